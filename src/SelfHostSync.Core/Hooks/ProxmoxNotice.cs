using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SelfHostSync.Core.Hooks;

/// <summary>
/// A PVE or PBS notification as a webhook target delivers it, rendered with the body template of the docs
/// (<c>{"title": "{{ escape title }}", "message": "{{ escape message }}", "severity": "{{ severity }}",
/// "timestamp": {{ timestamp }}, "fields": {{ json fields }}}</c>). proxmox-notify sends no default body and no
/// Content-Type, so the body is read as JSON whatever the request says; what cannot be read still triggers a pass.
/// </summary>
/// <param name="Type"><c>fields.type</c>: vzdump (PVE backup), verify, sync, prune, gc (PBS), or another notification.</param>
/// <param name="Host"><c>fields.hostname</c>: the node or backup server that sent it.</param>
/// <param name="Datastore"><c>fields.datastore</c> of PBS jobs.</param>
/// <param name="Guests">VMIDs the message names (a vzdump table's rows, a failed verify's snapshots), in order.</param>
public sealed partial record ProxmoxNotice(
    string? Type,
    string? Host,
    string? Datastore,
    string? JobId,
    string? Severity,
    string? Title,
    IReadOnlyList<int> Guests,
    DateTimeOffset? At,
    bool Rendered = false
)
{
    private static readonly string[] BackupTypes = ["vzdump", "verify", "sync", "prune"];

    /// <summary>pve (vzdump), pbs (verify, sync, prune, gc, tape…) or unknown.</summary>
    public string Source =>
        Type switch
        {
            "vzdump" or "replication" or "fencing" => "pve",
            "verify" or "sync" or "prune" or "gc" or "tape-backup" or "tape-load" or "acme" or "thresholds" => "pbs",
            _ => "unknown",
        };

    /// <summary>
    /// Whether the notice can change what SelfHostSync sees: a backup, verify, sync or prune job, or a body that is not
    /// the template's (then a pass is the safe answer). Package updates, ACME, fencing, tape, GC and test notifications
    /// (the template's body with no <c>type</c> among its fields) cannot.
    /// </summary>
    public bool TriggersPass => Type is null ? !Rendered : BackupTypes.Contains(Type, StringComparer.Ordinal);

    /// <summary>The notice in a body, or one with nothing known when the body is not the documented JSON.</summary>
    public static ProxmoxNotice Parse(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(
                body,
                new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }
            );
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Unknown;
            }

            var fields = root.TryGetProperty("fields", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
            var message = Text(root, "message") ?? string.Empty;
            var type = Text(fields, "type");
            return new ProxmoxNotice(
                type is { Length: > 0 } ? type : null,
                Text(fields, "hostname"),
                Text(fields, "datastore"),
                Text(fields, "job-id"),
                Text(root, "severity"),
                Text(root, "title")?.Trim(),
                GuestsIn(type, message),
                root.TryGetProperty("timestamp", out var t) && t.TryGetInt64(out var epoch) ? DateTimeOffset.FromUnixTimeSeconds(epoch) : null,
                fields.ValueKind == JsonValueKind.Object
            );
        }
        catch (JsonException)
        {
            return Unknown;
        }
    }

    private static ProxmoxNotice Unknown { get; } = new(null, null, null, null, null, null, [], null);

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>
    /// vzdump's table (<c>vzdump-body.txt.hbs</c>): rows <c>VMID  Name  Status …</c> under the header; the log lines
    /// <c>&lt;vmid&gt;: …</c>. PBS: snapshots named <c>vm/100/…</c> or <c>ct/101/…</c> (a failed verify lists them).
    /// </summary>
    private static IReadOnlyList<int> GuestsIn(string? type, string message)
    {
        var found = new List<int>();
        var matches = type == "vzdump" ? VzdumpRow().Matches(message) : SnapshotName().Matches(message);
        foreach (Match m in matches)
        {
            if (
                int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var vmid)
                && vmid >= 100
                && !found.Contains(vmid)
            )
            {
                found.Add(vmid);
            }
        }

        return found;
    }

    [GeneratedRegex(@"^(\d{3,9})\s{2,}\S.*?\s{2,}(?:ok|err|todo|running)\s", RegexOptions.Multiline)]
    private static partial Regex VzdumpRow();

    [GeneratedRegex(@"\b(?:vm|ct)/(\d{3,9})/")]
    private static partial Regex SnapshotName();
}
