using System.Globalization;
using Microsoft.AspNetCore.Http;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;

namespace SelfHostSync.Dashboard;

/// <summary>
/// Which guests the dashboard's table shows, from the query string: <c>level</c>, <c>failing=1</c>, <c>cluster</c>,
/// <c>q</c> (a name or VMID), <c>page</c> and <c>per</c> (5–1000, default 100). Failing guests come first, then by
/// cluster and VMID, so the default page of a large estate starts with what needs attention.
/// </summary>
internal sealed record GuestFilter(Level? Level, bool FailingOnly, string? Cluster, string? Search, int Page, int PerPage)
{
    public const int DefaultPerPage = 100;

    public static GuestFilter Default { get; } = new(null, false, null, null, 1, DefaultPerPage);

    public bool Narrowed => Level is not null || FailingOnly || Cluster is not null || Search is not null;

    /// <summary>The filter a request asks for; values that do not parse are left out (the page still answers).</summary>
    public static GuestFilter From(IQueryCollection query)
    {
        static string? Value(IQueryCollection q, string key) => q[key].ToString() is { Length: > 0 and <= 100 } v ? v.Trim() : null;
        static int Number(string? text, int fallback, int min, int max) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, min, max) : fallback;

        return new GuestFilter(
            LevelCodes.TryParse(Value(query, "level"), out var level) ? level : null,
            Value(query, "failing") is "1" or "on" or "true",
            Value(query, "cluster"),
            Value(query, "q"),
            Number(Value(query, "page"), 1, 1, 100_000),
            Number(Value(query, "per"), DefaultPerPage, 5, 1000)
        );
    }

    public static bool Failing(GuestReport g) => g.Checks.Any(c => c.Status == CheckStatus.Fail);

    /// <summary>The matching guests in display order, the page asked for (the last one when it asks beyond), and the page count.</summary>
    public (IReadOnlyList<GuestReport> Rows, int Matching, int Page, int Pages) Apply(IReadOnlyList<GuestReport> guests)
    {
        var matching = guests
            .Where(g =>
                (Level is null || g.Level == Level)
                && (!FailingOnly || Failing(g))
                && (Cluster is null || string.Equals(g.Cluster, Cluster, StringComparison.Ordinal))
                && (Search is null || Matches(g, Search))
            )
            .OrderBy(g => Failing(g) ? 0 : 1)
            .ThenBy(g => g.Cluster, StringComparer.Ordinal)
            .ThenBy(g => g.Vmid)
            .ToList();
        var pages = Math.Max(1, (matching.Count + PerPage - 1) / PerPage);
        var page = Math.Min(Page, pages);
        return (matching.Skip((page - 1) * PerPage).Take(PerPage).ToList(), matching.Count, page, pages);
    }

    /// <summary>The query string of this filter at <paramref name="page"/> (empty values left out).</summary>
    public string Query(int page)
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }

        Add("level", Level?.ToCode());
        Add("failing", FailingOnly ? "1" : null);
        Add("cluster", Cluster);
        Add("q", Search);
        Add("per", PerPage == DefaultPerPage ? null : PerPage.ToString(CultureInfo.InvariantCulture));
        Add("page", page == 1 ? null : page.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "/" : "/?" + string.Join('&', parts);
    }

    private static bool Matches(GuestReport g, string search) =>
        int.TryParse(search, NumberStyles.None, CultureInfo.InvariantCulture, out var vmid)
            ? g.Vmid == vmid
            : g.Name?.Contains(search, StringComparison.OrdinalIgnoreCase) == true
                || string.Equals($"{g.Cluster}/{g.Vmid}", search, StringComparison.OrdinalIgnoreCase);
}
