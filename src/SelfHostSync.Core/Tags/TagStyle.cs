using SelfHostSync.Core.Evidence;

namespace SelfHostSync.Core.Tags;

/// <summary>
/// The datacenter tag options SelfHostSync may manage (DESIGN §4.5): colours of the managed tags merged into the
/// <c>color-map</c> of <c>tag-style</c>, and the managed tags added to <c>registered-tags</c>. Every other entry is kept.
/// </summary>
public static class TagStyle
{
    /// <summary>Background and text colour (hex, no #) for a managed tag by its default name.</summary>
    public static (string Background, string Text) ColourOf(string defaultName) =>
        defaultName switch
        {
            TagNames.Level3b => ("b60205", "ffffff"),
            TagNames.Level3a => ("2e7d32", "ffffff"),
            TagNames.Level2 => ("1565c0", "ffffff"),
            _ => ("f9a825", "000000"),
        };

    /// <summary>
    /// Merges the managed colours into a <c>color-map</c> value (<c>tag:bg[:fg];…</c>). Entries for other tags keep their
    /// place and value; managed ones are replaced or appended. Returns the input unchanged when nothing differs.
    /// </summary>
    public static string MergeColorMap(string? existing, TagVocabulary vocabulary)
    {
        var entries = new List<(string Tag, string Value)>();
        foreach (var part in (existing ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                entries.Add((part[..colon], part[(colon + 1)..]));
            }
        }

        foreach (var defaultName in TagNames.All)
        {
            var name = vocabulary[defaultName];
            var (bg, fg) = ColourOf(defaultName);
            var value = $"{bg}:{fg}";
            var at = entries.FindIndex(e => TagList.Comparer.Equals(e.Tag, name));
            if (at < 0)
            {
                entries.Add((name, value));
            }
            else if (!string.Equals(entries[at].Value, value, StringComparison.OrdinalIgnoreCase))
            {
                entries[at] = (entries[at].Tag, value);
            }
        }

        var merged = string.Join(';', entries.Select(e => $"{e.Tag}:{e.Value}"));
        return string.Equals(merged, existing, StringComparison.Ordinal) ? existing! : merged;
    }

    /// <summary>The registered tags with every managed name added (existing order kept, new ones appended).</summary>
    public static IReadOnlyList<string> MergeRegistered(IEnumerable<string> existing, TagVocabulary vocabulary)
    {
        var list = existing.ToList();
        foreach (var name in TagNames.All.Select(n => vocabulary[n]))
        {
            if (!list.Contains(name, TagList.Comparer))
            {
                list.Add(name);
            }
        }

        return list;
    }
}
