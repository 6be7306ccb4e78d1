using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>
/// PVE's permission model (pve-access-control <c>AccessControl::roles</c>, <c>RPCEnvironment::permissions</c>): the
/// path is walked from <c>/</c> one component at a time; at each node the first tier with an entry that counts
/// (token, else user, else the user's groups; an entry counts at the final node, or anywhere when it propagates)
/// replaces the roles inherited so far; NoAccess grants nothing; a pool's roles reach the exact paths of its guests;
/// a privilege-separated token gets the intersection of its own and its user's privileges; root@pam gets all.
/// </summary>
internal sealed class PveAccess
{
    private const string NoAccess = "NoAccess";
    private static readonly string[] FixedPaths = ["/", "/access", "/access/groups", "/nodes", "/pool", "/sdn", "/storage", "/vms"];

    private readonly ClusterSpec _spec;
    private readonly Func<int, string?> _poolOf;
    private readonly Func<IEnumerable<int>> _poolMembers;
    private readonly List<AclSpec> _shorthand = [];
    private readonly Dictionary<string, IReadOnlyList<string>> _shorthandRoles = new(StringComparer.Ordinal);

    public PveAccess(ClusterSpec spec, Func<int, string?> poolOf, Func<IEnumerable<int>> poolMembers)
    {
        _spec = spec;
        _poolOf = poolOf;
        _poolMembers = poolMembers;
        // The scenario's shorthand: a token's or user's privilege list is an entry on "/" (propagating), for a token
        // also on its user, so that the intersection leaves the list as it is. The scenario's own roles and entries are
        // read live, so a test may change them between passes.
        foreach (var token in spec.Tokens.Where(t => t.Privileges is { Count: > 0 }))
        {
            var role = Shorthand(token.Id, token.Privileges!);
            _shorthand.Add(new AclSpec("/", role, Token: token.Id));
            _shorthand.Add(new AclSpec("/", role, User: token.User));
        }

        foreach (var user in spec.Users.Where(u => u.Privileges is { Count: > 0 }))
        {
            _shorthand.Add(new AclSpec("/", Shorthand(user.Name, user.Privileges!), User: user.Name));
        }
    }

    /// <summary>Whether <paramref name="authId"/> (user@realm or user@realm!token) holds <paramref name="privilege"/> on <paramref name="path"/>.</summary>
    public bool Has(string authId, string privilege, string path) => Privileges(authId, path).ContainsKey(privilege);

    /// <summary>The privileges on <paramref name="path"/> and whether each propagates (<c>RPCEnvironment::permissions</c>).</summary>
    public IReadOnlyDictionary<string, bool> Privileges(string authId, string path)
    {
        if (authId == "root@pam")
        {
            return PveRoles.All.ToDictionary(p => p, _ => true, StringComparer.Ordinal);
        }

        var bang = authId.IndexOf('!', StringComparison.Ordinal);
        if (bang < 0)
        {
            return Compute(authId, isToken: false, path);
        }

        var token = _spec.Tokens.FirstOrDefault(t => t.Id == authId);
        if (token is null)
        {
            return new Dictionary<string, bool>(StringComparer.Ordinal);
        }

        var user = Privileges(token.User, path);
        if (!token.Privsep)
        {
            return user;
        }

        var own = Compute(authId, isToken: true, path);
        return token.User == "root@pam"
            ? own
            : own.Where(p => user.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value && user[p.Key], StringComparer.Ordinal);
    }

    /// <summary><c>GET /access/permissions</c> without a path: every fixed path, ACL node and pool guest with privileges.</summary>
    public Dictionary<string, Dictionary<string, int>> Effective(string authId)
    {
        var paths = new SortedSet<string>(FixedPaths, StringComparer.Ordinal);
        foreach (var entry in Acl)
        {
            var parts = Components(entry.Path);
            for (var i = 1; i <= parts.Count; i++)
            {
                paths.Add("/" + string.Join('/', parts.Take(i)));
            }
        }

        foreach (var vmid in _poolMembers())
        {
            paths.Add($"/vms/{vmid}");
        }

        var result = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var privileges = Privileges(authId, path);
            if (privileges.Count > 0)
            {
                result[path] = privileges.ToDictionary(p => p.Key, p => p.Value ? 1 : 0, StringComparer.Ordinal);
            }
        }

        return result;
    }

    private Dictionary<string, bool> Compute(string ugid, bool isToken, string path)
    {
        var roles = Roles(ugid, isToken, path);
        if (TryVmid(path, out var vmid) && _poolOf(vmid) is { } pool && !roles.ContainsKey(NoAccess))
        {
            var poolRoles = Roles(ugid, isToken, $"/pool/{pool}");
            if (poolRoles.ContainsKey(NoAccess))
            {
                roles = new Dictionary<string, bool>(StringComparer.Ordinal) { [NoAccess] = false };
            }
            else
            {
                foreach (var role in poolRoles.Keys)
                {
                    roles.TryAdd(role, false);
                }
            }
        }

        var privileges = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (role, propagate) in roles)
        {
            foreach (var privilege in PrivilegesOf(role))
            {
                privileges[privilege] = privileges.GetValueOrDefault(privilege) || propagate;
            }
        }

        return privileges;
    }

    private Dictionary<string, bool> Roles(string ugid, bool isToken, string path)
    {
        var roles = new Dictionary<string, bool>(StringComparer.Ordinal);
        var parts = Components(path);
        var groups = isToken
            ? []
            : _spec.Groups.Where(g => g.Members.Contains(ugid, StringComparer.Ordinal)).Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        for (var depth = 0; depth <= parts.Count; depth++)
        {
            var node = "/" + string.Join('/', parts.Take(depth));
            var final = depth == parts.Count;
            var here = Acl.Where(e => Normalize(e.Path) == node && (final || e.Propagate)).ToList();
            var tiers = isToken
                ? [here.Where(e => e.Token == ugid).ToList()]
                : new[] { here.Where(e => e.User == ugid).ToList(), here.Where(e => e.Group is not null && groups.Contains(e.Group)).ToList() };
            var counting = tiers.FirstOrDefault(t => t.Count > 0);
            if (counting is null)
            {
                continue;
            }

            roles = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var entry in counting)
            {
                foreach (var role in entry.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    roles[role] = roles.GetValueOrDefault(role) || entry.Propagate;
                }
            }
        }

        return roles.TryGetValue(NoAccess, out var p) ? new Dictionary<string, bool>(StringComparer.Ordinal) { [NoAccess] = p } : roles;
    }

    private string Shorthand(string owner, List<string> privileges)
    {
        if (privileges.Contains("Administrator", StringComparer.Ordinal))
        {
            return "Administrator";
        }

        var name = $"lab-shorthand:{owner}";
        _shorthandRoles[name] = privileges;
        return name;
    }

    private IEnumerable<AclSpec> Acl => _spec.Acl.Concat(_shorthand);

    private IReadOnlyList<string> PrivilegesOf(string role) =>
        _spec.Roles.TryGetValue(role, out var own) ? own
        : PveRoles.BuiltIn.TryGetValue(role, out var builtIn) ? builtIn
        : _shorthandRoles.GetValueOrDefault(role) ?? [];

    private static List<string> Components(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string Normalize(string path) => "/" + string.Join('/', Components(path));

    private static bool TryVmid(string path, out int vmid)
    {
        vmid = 0;
        return path.StartsWith("/vms/", StringComparison.Ordinal)
            && int.TryParse(path.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out vmid);
    }
}
