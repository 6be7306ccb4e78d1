using System.Text.Json;
using SelfHostSync.Core.Sync;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// Predicts the datacenter tag policy's 403s for a token without Sys.Modify on <c>/</c> (pve-guest-common
/// <c>assert_tag_permissions</c>): a changed tag that is registered, or not in <c>allowed-tags</c> while
/// <c>user-tag-access</c> is not <c>free</c>, is refused with "Permission check failed (/, Sys.Modify for modifying tag …)".
/// Reads <c>GET /cluster/options</c>: <c>allowed-tags</c> (computed for the caller, always there) and, with Sys.Audit,
/// <c>registered-tags</c> and <c>user-tag-access</c>.
/// </summary>
internal static class TagPolicy
{
    public static IEnumerable<Diagnosis> Diagnose(
        string subject,
        ProxmoxEndpoint e,
        Dictionary<string, JsonElement> options,
        IReadOnlyCollection<string> managed
    )
    {
        var user = e.TokenId.Split('!')[0];
        var tokens = e.UsesTicket || !e.TokenId.Contains('!', StringComparison.Ordinal) ? string.Empty : $" --tokens '{e.TokenId}'";
        var grant = $"pveum role add SelfHostSyncTags --privs Sys.Modify && pveum acl modify / --users {user}{tokens} --roles SelfHostSyncTags";

        var registered = Strings(options, "registered-tags")
            .Intersect(managed, StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (registered.Count > 0)
        {
            yield return new Diagnosis(
                subject,
                DiagnosisLevel.Problem,
                $"registered-tags reserves {Few(registered)} for Sys.Modify holders: PVE refuses {e.Identity} every change of them (403). "
                    + $"Fix: {grant}, or remove them from registered-tags (Datacenter → Options → Tag Style Override)"
            );
        }

        var mode =
            options.TryGetValue("user-tag-access", out var access)
            && access.ValueKind == JsonValueKind.Object
            && access.TryGetProperty("user-allow", out var allow)
            && allow.ValueKind == JsonValueKind.String
                ? allow.GetString()!
                : "free";
        if (mode == "free")
        {
            yield break;
        }

        var allowed = Strings(options, "allowed-tags").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var refused = managed
            .Where(t => !allowed.Contains(t) && !registered.Contains(t, StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (refused.Count > 0)
        {
            var list = Strings(access, "user-allow-list").Concat(refused).Distinct(StringComparer.Ordinal);
            yield return new Diagnosis(
                subject,
                DiagnosisLevel.Problem,
                $"user-tag-access is '{mode}': PVE refuses {e.Identity} to set {Few(refused)} (403, not in allowed-tags). "
                    + $"Fix: pvesh set /cluster/options --user-tag-access 'user-allow={mode},user-allow-list={string.Join(';', list)}' (or {grant})"
            );
        }
    }

    private static IEnumerable<string> Strings(Dictionary<string, JsonElement> options, string key) =>
        options.TryGetValue(key, out var value) ? Strings(value) : [];

    private static IEnumerable<string> Strings(JsonElement value, string key) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(key, out var inner) ? Strings(inner) : [];

    private static IEnumerable<string> Strings(JsonElement value) =>
        value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!),
            JsonValueKind.String => value.GetString()!.Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries),
            _ => [],
        };

    private static string Few(IReadOnlyList<string> tags) =>
        tags.Count <= 4 ? string.Join(", ", tags) : $"{string.Join(", ", tags.Take(4))} and {tags.Count - 4} more";
}
