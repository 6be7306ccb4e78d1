using System.Text.Json;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// The token's own privileges as <c>GET /access/permissions</c> reports them: path → privilege → propagates. PVE lists
/// every ACL node, the fixed top-level paths and every pool guest's <c>/vms/&lt;vmid&gt;</c>, so a path it leaves out
/// has what the nearest listed ancestor grants with propagation.
/// </summary>
internal sealed class TokenPermissions
{
    private readonly Dictionary<string, Dictionary<string, bool>> _paths;

    public TokenPermissions(Dictionary<string, Dictionary<string, JsonElement>> raw)
    {
        _paths = new Dictionary<string, Dictionary<string, bool>>(StringComparer.Ordinal);
        foreach (var (path, privileges) in raw)
        {
            _paths[Normalize(path)] = privileges.ToDictionary(p => p.Key, p => Wire.Bool(p.Value), StringComparer.Ordinal);
        }
    }

    public bool Has(string privilege, string path)
    {
        var at = Normalize(path);
        if (_paths.TryGetValue(at, out var exact))
        {
            return exact.ContainsKey(privilege);
        }

        while (at != "/")
        {
            var cut = at.LastIndexOf('/');
            at = cut <= 0 ? "/" : at[..cut];
            if (_paths.TryGetValue(at, out var ancestor))
            {
                return ancestor.TryGetValue(privilege, out var propagates) && propagates;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="privilege"/> on <paramref name="path"/> reaches every path below it.</summary>
    public bool Propagates(string privilege, string path)
    {
        var at = Normalize(path);
        if (_paths.TryGetValue(at, out var exact))
        {
            return exact.TryGetValue(privilege, out var propagates) && propagates;
        }

        return Has(privilege, at);
    }

    private static string Normalize(string path) => "/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries));
}
