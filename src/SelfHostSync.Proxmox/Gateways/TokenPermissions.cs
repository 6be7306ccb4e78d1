using System.Text.Json;
using System.Text.Json.Serialization;

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
        : this(raw.ToDictionary(kv => kv.Key, kv => kv.Value.ToDictionary(p => p.Key, p => Wire.Bool(p.Value), StringComparer.Ordinal))) { }

    /// <summary>Path → privilege → propagates, as kept across processes (<see cref="Paths"/> is what is written).</summary>
    [JsonConstructor]
    public TokenPermissions(Dictionary<string, Dictionary<string, bool>> paths)
    {
        _paths = new Dictionary<string, Dictionary<string, bool>>(StringComparer.Ordinal);
        foreach (var (path, privileges) in paths)
        {
            _paths[Normalize(path)] = new Dictionary<string, bool>(privileges, StringComparer.Ordinal);
        }
    }

    public Dictionary<string, Dictionary<string, bool>> Paths => _paths;

    /// <summary>Whether both grant the same privileges on the same paths, with the same propagation.</summary>
    public bool SameAs(TokenPermissions other) =>
        _paths.Count == other._paths.Count
        && _paths.All(kv =>
            other._paths.TryGetValue(kv.Key, out var theirs)
            && theirs.Count == kv.Value.Count
            && kv.Value.All(p => theirs.TryGetValue(p.Key, out var propagates) && propagates == p.Value)
        );

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
