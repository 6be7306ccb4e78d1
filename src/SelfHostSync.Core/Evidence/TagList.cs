using System.Text.RegularExpressions;

namespace SelfHostSync.Core.Evidence;

/// <summary>The PVE tag grammar and list format (<c>pve-tag</c>, <c>pve-tag-list</c>).</summary>
public static partial class TagList
{
    /// <summary>Splits a stored tag list the way PVE does: on NUL if present, else on <c>;</c>, <c>,</c> and whitespace.</summary>
    public static IReadOnlyList<string> Parse(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return [];
        }

        char[] separators = raw.Contains('\0', StringComparison.Ordinal) ? ['\0'] : [';', ',', ' ', '\t', '\r', '\n', '\f', '\v'];
        return raw.Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Renders tags as PVE stores them: joined with <c>;</c>.</summary>
    public static string Format(IEnumerable<string> tags) => string.Join(';', tags);

    /// <summary>True when <paramref name="tag"/> matches <c>^[a-z0-9_][a-z0-9_\-+.]*$</c> (case-insensitive).</summary>
    public static bool IsValid(string? tag) => tag is not null && TagPattern().IsMatch(tag);

    /// <summary>Compares tags as PVE does by default: case-insensitively.</summary>
    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    /// <summary>True when both lists hold the same tags, compared as sets.</summary>
    public static bool SetEquals(IEnumerable<string> a, IEnumerable<string> b) => new HashSet<string>(a, Comparer).SetEquals(b);

    [GeneratedRegex(@"^[a-z0-9_][a-z0-9_\-+.]*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
