using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>
/// The datacenter tag policy as pve-guest-common <c>GuestHelpers</c> enforces it: <c>user-tag-access</c>
/// (<c>user-allow</c> none|list|existing|free, default free; <c>user-allow-list</c>) and <c>registered-tags</c>. Without
/// Sys.Modify on <c>/</c> a changed tag (added or removed) must be allowed, and must not be registered.
/// </summary>
internal sealed class PveTagPolicy(PveClusterState s)
{
    /// <summary>Under the caller's lock (<c>s.Gate</c>).</summary>
    public IReadOnlyList<string> Registered => s.RegisteredTags ?? s.Spec.RegisteredTags;

    public (string Mode, IReadOnlyList<string> List) UserTagAccess()
    {
        var mode = "free";
        var list = new List<string>();
        foreach (
            var part in (s.Spec.UserTagAccess ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        )
        {
            var kv = part.Split('=', 2);
            if (kv[0] == "user-allow" && kv.Length == 2)
            {
                mode = kv[1];
            }
            else if (kv[0] == "user-allow-list" && kv.Length == 2)
            {
                list.AddRange(kv[1].Split(';', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return (mode, list);
    }

    /// <summary><c>get_allowed_tags</c>: what the caller may set, as <c>GET /cluster/options</c> reports it in <c>allowed-tags</c>.</summary>
    public SortedSet<string> AllowedTags(string auth)
    {
        var privileged = s.Access.Has(auth, "Sys.Modify", "/");
        var (mode, list) = UserTagAccess();
        var allowed = new SortedSet<string>(StringComparer.Ordinal);
        if (privileged || mode != "none")
        {
            allowed.UnionWith(list);
        }

        if (privileged || mode is "free" or "existing")
        {
            foreach (var guest in s.Guests.Values.Where(g => privileged || s.Access.Has(auth, "VM.Audit", $"/vms/{g.Vmid}")))
            {
                allowed.UnionWith(Split(guest.Config.GetValueOrDefault("tags")));
            }
        }

        if (privileged)
        {
            allowed.UnionWith(Registered);
        }
        else
        {
            allowed.ExceptWith(Registered);
        }

        return allowed;
    }

    /// <summary><c>assert_tag_permissions</c>: writes 403 and returns false when a changed tag is not the caller's to change.</summary>
    public bool TagsPermitted(HttpContext ctx, string? oldTags, string? newTags)
    {
        var auth = PveClusterState.AuthId(ctx);
        if (s.Access.Has(auth, "Sys.Modify", "/"))
        {
            return true;
        }

        var count = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in Split(oldTags))
        {
            count[t] = count.GetValueOrDefault(t) + 1;
        }

        foreach (var t in Split(newTags))
        {
            count[t] = count.GetValueOrDefault(t) - 1;
        }

        var (mode, _) = UserTagAccess();

        // Under user-allow=free any tag that is not registered may change: the allowed set (every guest's tags, a
        // scan of the cluster) is needed only for the other modes.
        var allowed = mode == "free" ? null : AllowedTags(auth);
        foreach (var (tag, difference) in count.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (difference != 0 && ((allowed?.Contains(tag) == false) || Registered.Contains(tag, StringComparer.Ordinal)))
            {
                LabResults.Error(ctx, StatusCodes.Status403Forbidden, $"Permission check failed (/, Sys.Modify for modifying tag '{tag}')");
                return false;
            }
        }

        return true;
    }

    public static IEnumerable<string> Split(string? tags) => (tags ?? string.Empty).Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries);
}
