using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>Config writes: only tags on the scenario's guests (anything else is a SelfHostSync bug), anything on guests the lab restored.</summary>
internal sealed partial class PveConfigWriter(PveClusterState s)
{
    public IResult WriteConfig(HttpContext ctx, PveGuestState guest, Dictionary<string, string> fields)
    {
        var unknown = fields.Keys.Where(k => k is not ("tags" or "delete" or "digest")).ToList();
        if (unknown.Count > 0)
        {
            // The lab only accepts tag writes: anything else is a SelfHostSync bug, reported loudly.
            LabResults.Error(ctx, 400, $"lab refuses to change {string.Join(", ", unknown)}");
            return Results.Empty;
        }

        if (fields.TryGetValue("digest", out var digest) && digest != guest.Digest)
        {
            LabResults.Error(
                ctx,
                500,
                guest.Type == "lxc"
                    ? "detected modified configuration - file changed by other user? Try again."
                    : "checksum mismatch (file change by other user?)"
            );
            return Results.Empty;
        }

        if (guest.Lock is { } held)
        {
            LabResults.Error(ctx, 500, $"{(guest.Type == "lxc" ? "CT" : "VM")} is locked ({held})");
            return Results.Empty;
        }

        var deletesTags = fields.TryGetValue("delete", out var deleting) && PveTagPolicy.Split(deleting).Contains("tags", StringComparer.Ordinal);
        if (
            (fields.ContainsKey("tags") || deletesTags)
            && !s.TagPolicy.TagsPermitted(ctx, guest.Config.GetValueOrDefault("tags"), deletesTags ? null : fields["tags"])
        )
        {
            return Results.Empty;
        }

        if (fields.TryGetValue("tags", out var tags))
        {
            var bad = tags.Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(t => !TagPattern().IsMatch(t));
            if (bad is not null)
            {
                ctx.Response.StatusCode = 400;
                return Results.Json(
                    new { data = (object?)null, errors = new { tags = $"invalid format - invalid characters in tag '{bad}'" } },
                    statusCode: 400
                );
            }

            guest.Config["tags"] = PveClusterState.Canonical(tags);
        }

        if (fields.TryGetValue("delete", out var delete))
        {
            foreach (var key in delete.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                if (key != "tags")
                {
                    LabResults.Error(ctx, 400, $"lab refuses to delete {key}");
                    return Results.Empty;
                }

                guest.Config.Remove("tags");
            }
        }

        guest.Writes.Add(fields);
        return LabResults.Data(null);
    }

    /// <summary>
    /// A guest made by a restore may get other settings (isolation), still only against the digest, never while locked,
    /// and with PVE's rules: keys only root may set or delete, VM.Config.Network and SDN.Use for NICs.
    /// </summary>
    public IResult WriteRestoredConfig(HttpContext ctx, PveGuestState guest, Dictionary<string, string> fields)
    {
        if (fields.GetValueOrDefault("digest") != guest.Digest)
        {
            LabResults.Error(ctx, 500, "checksum mismatch (file change by other user?)");
            return Results.Empty;
        }

        if (guest.Lock is { } held)
        {
            LabResults.Error(ctx, 500, $"{(guest.Type == "lxc" ? "CT" : "VM")} is locked ({held})");
            return Results.Empty;
        }

        var deleted = fields.GetValueOrDefault("delete", string.Empty).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries);
        var changes = fields
            .Where(f => f.Key is not ("digest" or "delete"))
            .Select(f => (Key: f.Key, Value: (string?)f.Value))
            .Concat(deleted.Select(k => (Key: k, Value: (string?)null)));
        var root = PveClusterState.AuthId(ctx) == "root@pam";
        foreach (var (key, value) in changes)
        {
            var old = guest.Config.GetValueOrDefault(key);
            if (!root && PveRestoreRules.ChangeRefusal(guest.Type, key, old, value is null) is { } refusal)
            {
                LabResults.Error(ctx, refusal.Status, refusal.Message);
                return Results.Empty;
            }

            if (PveRestoreRules.NetKey().IsMatch(key))
            {
                if (!s.Need(ctx, "VM.Config.Network", $"/vms/{guest.Vmid}"))
                {
                    return Results.Empty;
                }

                foreach (
                    var path in PveRestoreRules
                        .SdnPaths(value, s.ZoneOf)
                        .Concat(PveRestoreRules.SdnPaths(old, s.ZoneOf))
                        .Distinct(StringComparer.Ordinal)
                )
                {
                    if (!root && !s.Need(ctx, "SDN.Use", path))
                    {
                        return Results.Empty;
                    }
                }
            }
        }

        foreach (var (k, v) in fields.Where(f => f.Key is not ("digest" or "delete")))
        {
            guest.Config[k] = k == "tags" ? PveClusterState.Canonical(v) : v;
        }

        foreach (var key in fields.GetValueOrDefault("delete", string.Empty).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            guest.Config.Remove(key);
        }

        guest.Writes.Add(fields);
        return LabResults.Data(null);
    }

    [GeneratedRegex(@"^[a-z0-9_][a-z0-9_\-+.]*$", RegexOptions.IgnoreCase)]
    private static partial Regex TagPattern();
}
