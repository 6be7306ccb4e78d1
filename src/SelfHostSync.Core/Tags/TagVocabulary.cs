using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Tags;

/// <summary>The managed tag vocabulary after renames from <c>Tags.Names</c>. Only these tags are ever added or removed.</summary>
public sealed class TagVocabulary
{
    private readonly Dictionary<string, string> _byDefault;
    private readonly HashSet<string> _managed;

    private TagVocabulary(Dictionary<string, string> byDefault)
    {
        _byDefault = byDefault;
        _managed = new HashSet<string>(byDefault.Values, TagList.Comparer);
    }

    public static TagVocabulary Default { get; } = Create(null, out _);

    /// <summary>All managed names (after renames), lower-case.</summary>
    public IReadOnlyCollection<string> Names => _byDefault.Values;

    /// <summary>
    /// Builds the vocabulary. Renames are keyed by the default name; problems (unknown key, invalid or duplicate name)
    /// are returned one line each and the offending rename is ignored.
    /// </summary>
    public static TagVocabulary Create(IReadOnlyDictionary<string, string>? renames, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        var map = TagNames.All.ToDictionary(n => n, n => n, StringComparer.Ordinal);
        foreach (var (key, value) in renames ?? new Dictionary<string, string>())
        {
            if (!map.ContainsKey(key))
            {
                problems.Add($"Tags.Names: '{key}' is not a managed tag (expected one of {string.Join(", ", TagNames.All)})");
                continue;
            }

            if (!TagList.IsValid(value))
            {
                problems.Add($"Tags.Names.{key}: '{value}' is not a valid Proxmox tag (allowed: letters, digits, _ - + . ; not starting with - + .)");
                continue;
            }

            map[key] = value.ToLowerInvariant();
        }

        foreach (var clash in map.GroupBy(kv => kv.Value, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"Tags.Names: '{clash.Key}' is used for more than one managed tag ({string.Join(", ", clash.Select(kv => kv.Key))})");
            foreach (var kv in clash)
            {
                map[kv.Key] = kv.Key;
            }
        }

        errors = problems;
        return new TagVocabulary(map);
    }

    public bool IsManaged(string tag) => _managed.Contains(tag);

    /// <summary>The configured name for a default name.</summary>
    public string this[string defaultName] => _byDefault[defaultName];

    public string? LevelTag(Level level) =>
        level switch
        {
            Level.Vps => this[TagNames.Level2],
            Level.Homelab => this[TagNames.Level3a],
            Level.Production => this[TagNames.Level3b],
            _ => null,
        };

    public IEnumerable<string> LevelTags => TagNames.LevelTags.Select(n => this[n]);

    public string WarningTag(string checkId) => this[TagNames.WarningOf(checkId)];
}
