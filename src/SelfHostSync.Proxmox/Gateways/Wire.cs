using System.Globalization;
using System.Text.Json;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>Reads PVE's loosely typed values: booleans as 0/1, numbers as strings, lists as comma strings.</summary>
internal static class Wire
{
    public static bool Bool(JsonElement? value, bool fallback = false) =>
        value?.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => value.Value.TryGetInt64(out var n) ? n != 0 : fallback,
            JsonValueKind.String => value.Value.GetString() switch
            {
                "1" or "true" or "yes" or "on" => true,
                "0" or "false" or "no" or "off" => false,
                _ => fallback,
            },
            _ => fallback,
        };

    public static int? Int(JsonElement? value) =>
        value?.ValueKind switch
        {
            JsonValueKind.Number => value.Value.TryGetInt32(out var n) ? n : null,
            JsonValueKind.String => int.TryParse(value.Value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null,
            _ => null,
        };

    public static string? String(JsonElement? value) =>
        value?.ValueKind switch
        {
            JsonValueKind.String => value.Value.GetString(),
            JsonValueKind.Number => value.Value.GetRawText(),
            _ => null,
        };

    /// <summary>A <c>pve-vmid-list</c>: "100,101 102;103".</summary>
    public static HashSet<int> VmidList(JsonElement? value)
    {
        var set = new HashSet<int>();
        if (value is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var single))
        {
            set.Add(single);
            return set;
        }

        foreach (var part in (String(value) ?? string.Empty).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                set.Add(id);
            }
        }

        return set;
    }

    /// <summary>
    /// Epoch seconds; a value beyond what a date can hold (a broken clock, a corrupt field) becomes the largest or
    /// smallest date instead of throwing, so it marks that one item (the pass's future-date check takes it out)
    /// rather than failing the whole listing.
    /// </summary>
    public static DateTimeOffset Epoch(long seconds) =>
        seconds > MaxEpoch ? DateTimeOffset.MaxValue
        : seconds < MinEpoch ? DateTimeOffset.MinValue
        : DateTimeOffset.FromUnixTimeSeconds(seconds);

    private static readonly long MaxEpoch = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
    private static readonly long MinEpoch = DateTimeOffset.MinValue.ToUnixTimeSeconds();
}
