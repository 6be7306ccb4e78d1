using System.Text;
using System.Text.RegularExpressions;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Tags;

namespace SelfHostSync.Core.Classification;

/// <summary>An inclusive VMID range; a single VMID is a range of one.</summary>
public readonly record struct VmidRange(int From, int To)
{
    public bool Contains(int vmid) => vmid >= From && vmid <= To;

    public override string ToString() => From == To ? From.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{From}-{To}";

    /// <summary>Parses "100" or "100-199".</summary>
    public static bool TryParse(string? text, out VmidRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        if (parts.Length == 1 && int.TryParse(parts[0], System.Globalization.NumberStyles.None, ci, out var one) && one > 0)
        {
            range = new VmidRange(one, one);
            return true;
        }

        if (
            parts.Length == 2
            && int.TryParse(parts[0], System.Globalization.NumberStyles.None, ci, out var from)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, ci, out var to)
            && from > 0
            && to >= from
        )
        {
            range = new VmidRange(from, to);
            return true;
        }

        return false;
    }
}

/// <summary>
/// One entry of <c>Intent.Rules</c>: every criterion that is set must match (vmid or range, name glob, pool, node, tag,
/// cluster). The first matching rule decides the level.
/// </summary>
public sealed record IntentRule
{
    private readonly Regex? _nameRegex;

    public IntentRule(
        Level level,
        VmidRange? vmids = null,
        string? name = null,
        string? pool = null,
        string? node = null,
        string? tag = null,
        string? cluster = null
    )
    {
        if (vmids is null && name is null && pool is null && node is null && tag is null && cluster is null)
        {
            throw new ArgumentException("an intent rule needs at least one criterion", nameof(level));
        }

        Level = level;
        Vmids = vmids;
        Name = name;
        Pool = pool;
        Node = node;
        Tag = tag;
        Cluster = cluster;
        _nameRegex = name is null ? null : GlobToRegex(name);
    }

    public Level Level { get; }

    public VmidRange? Vmids { get; }

    public string? Name { get; }

    public string? Pool { get; }

    public string? Node { get; }

    public string? Tag { get; }

    public string? Cluster { get; }

    public bool Matches(Guest guest) =>
        (Vmids is null || Vmids.Value.Contains(guest.Key.Vmid))
        && (_nameRegex is null || (guest.Name is not null && _nameRegex.IsMatch(guest.Name)))
        && (Pool is null || string.Equals(Pool, guest.Pool, StringComparison.Ordinal))
        && (Node is null || string.Equals(Node, guest.Node, StringComparison.OrdinalIgnoreCase))
        && (Tag is null || guest.Tags.Contains(Tag, TagList.Comparer))
        && (Cluster is null || string.Equals(Cluster, guest.Key.Cluster, StringComparison.Ordinal));

    /// <summary>
    /// True when every guest <paramref name="later"/> matches is already matched by this rule, so a later rule can never
    /// decide a level (first match wins). Conservative: a name glob covers another only when equal, <c>*</c>, or a
    /// plain prefix followed by one trailing <c>*</c> that the other starts with literally.
    /// </summary>
    public bool Shadows(IntentRule later)
    {
        ArgumentNullException.ThrowIfNull(later);
        return (Vmids is null || (later.Vmids is { } v && Vmids.Value.From <= v.From && v.To <= Vmids.Value.To))
            && (Name is null || (later.Name is not null && GlobCovers(Name, later.Name)))
            && (Pool is null || string.Equals(Pool, later.Pool, StringComparison.Ordinal))
            && (Node is null || string.Equals(Node, later.Node, StringComparison.OrdinalIgnoreCase))
            && (Tag is null || (later.Tag is not null && TagList.Comparer.Equals(Tag, later.Tag)))
            && (Cluster is null || string.Equals(Cluster, later.Cluster, StringComparison.Ordinal));
    }

    private static bool GlobCovers(string wide, string narrow)
    {
        if (wide.Length > 0 && wide.AsSpan().TrimStart('*').IsEmpty)
        {
            return true;
        }

        if (string.Equals(wide, narrow, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (wide.Length < 2 || wide[^1] != '*')
        {
            return false;
        }

        var prefix = wide[..^1];
        return prefix.IndexOfAny(['*', '?']) < 0
            && narrow.Length >= prefix.Length
            && narrow.AsSpan(0, prefix.Length).IndexOfAny('*', '?') < 0
            && narrow.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>"pool=production", "name=zoltan* node=pve2".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Vmids is not null)
        {
            parts.Add($"vmid={Vmids}");
        }

        if (Name is not null)
        {
            parts.Add($"name={Name}");
        }

        if (Pool is not null)
        {
            parts.Add($"pool={Pool}");
        }

        if (Node is not null)
        {
            parts.Add($"node={Node}");
        }

        if (Tag is not null)
        {
            parts.Add($"tag={Tag}");
        }

        if (Cluster is not null)
        {
            parts.Add($"cluster={Cluster}");
        }

        return string.Join(' ', parts);
    }

    private static Regex GlobToRegex(string glob)
    {
        var sb = new StringBuilder("^");
        foreach (var ch in glob)
        {
            sb.Append(
                ch switch
                {
                    '*' => ".*",
                    '?' => ".",
                    _ => Regex.Escape(ch.ToString()),
                }
            );
        }

        sb.Append('$');
        return new Regex(sb.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
