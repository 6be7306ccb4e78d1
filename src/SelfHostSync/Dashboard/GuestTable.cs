using System.Globalization;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Text;

namespace SelfHostSync.Dashboard;

/// <summary>
/// The guests table: a filter form and pages (a GET form and links, so it works without JavaScript), failing guests
/// first. A page of 100 keeps the dashboard of a 3,000-guest estate small enough for a phone over a VPN (BENCHMARKS.md).
/// </summary>
internal static class GuestTable
{
    private static readonly (string Check, string Label)[] AgeColumns =
    [
        (CheckIds.BackupFresh, "Backup"),
        (CheckIds.BackupVerified, "Verified"),
        (CheckIds.RestoreTested, "Restore test"),
        (CheckIds.OffsitePresent, "Offsite"),
    ];

    public static async Task RenderAsync(Html h, RunReport? last, GuestFilter filter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var all = last?.Guests ?? [];
        var (rows, matching, page, pages) = filter.Apply(all);
        h.Raw("<section id=\"guest-section\"><h2>Guests</h2>");
        Form(h, all, filter);
        Summary(h, all, filter, rows.Count, matching, page, pages);
        h.Raw("<table class=\"guests\" id=\"guests\"><thead><tr><th>Guest</th><th>Level</th>");
        foreach (var id in CheckIds.GuestChecks)
        {
            h.Element("th", DashboardPage.ShortName(id), ("class", "st"), ("title", id));
        }

        foreach (var (_, label) in AgeColumns)
        {
            h.Element("th", label, ("class", "num"));
        }

        h.Element("th", "Proven", ("class", "num"), ("title", "age of the newest backup proven to restore (drill or recorded restore)"));
        h.Raw("</tr></thead><tbody>");
        foreach (var g in rows)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"{g.Cluster}/{g.Vmid}");
            h.Open("tr", ("data-guest", key), ("data-level", g.Level.ToCode()))
                .Raw("<td><details><summary>")
                .Text(key)
                .Raw(" ")
                .Element("span", g.Name, ("class", "name"))
                .Raw("</summary><ul>");
            foreach (var reason in g.LevelReasons)
            {
                h.Element("li", "level: " + reason);
            }

            foreach (var c in g.Checks)
            {
                h.Element("li", $"{c.Id}: {c.Status.ToCode()} — {c.Detail}");
            }

            h.Element("li", "tags: " + string.Join(';', g.TagsAfter));
            h.Raw("</ul></details></td><td>").Element("span", g.Level.ToCode(), ("class", "chip l" + g.Level.ToCode())).Raw("</td>");
            foreach (var id in CheckIds.GuestChecks)
            {
                var c = g.Checks.FirstOrDefault(x => x.Id == id);
                if (c is null)
                {
                    h.Element("td", "·", ("class", "st na"), ("title", "not required at this level"));
                }
                else
                {
                    h.Element(
                        "td",
                        DashboardPage.Symbol(c.Status),
                        ("class", "st " + c.Status.ToCode()),
                        ("data-check", id),
                        ("title", $"{c.Status.ToCode()}: {c.Detail}")
                    );
                }
            }

            foreach (var (check, _) in AgeColumns)
            {
                var at = g.Checks.FirstOrDefault(c => c.Id == check)?.EvidenceAt;
                h.Element("td", at is { } t ? Durations.Format(now - t) : "—", ("class", "num age"), ("data-age", check));
            }

            var proven = g.ProvenRestorePoint;
            h.Element(
                "td",
                proven is null ? "—" : Durations.Format(proven.AgeAt(now)),
                ("class", "num age"),
                ("data-age", "proven"),
                ("title", proven?.Archive ?? "none")
            );

            h.Raw("</tr>");
            await h.FlushIfFullAsync(cancellationToken);
        }

        h.Raw("</tbody></table>");
        Pager(h, filter, page, pages);
        h.Raw("</section>");
    }

    private static void Form(Html h, IReadOnlyList<GuestReport> all, GuestFilter filter)
    {
        h.Raw("<form method=\"get\" action=\"/\" id=\"filter\" class=\"filter\"><label>Level <select name=\"level\" id=\"filter-level\">");
        Option(h, string.Empty, "all", filter.Level is null);
        foreach (var level in new[] { "3b", "3a", "2", "1", "0" })
        {
            Option(h, level, level, filter.Level?.ToCode() == level);
        }

        h.Raw("</select></label> <label>Cluster <select name=\"cluster\" id=\"filter-cluster\">");
        Option(h, string.Empty, "all", filter.Cluster is null);
        foreach (var cluster in all.Select(g => g.Cluster).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            Option(h, cluster, cluster, filter.Cluster == cluster);
        }

        h.Raw("</select></label> <label>Name or VMID ")
            .Open("input", ("type", "search"), ("name", "q"), ("id", "filter-q"), ("value", filter.Search ?? string.Empty))
            .Raw("</label> <label>")
            .Open(
                "input",
                ("type", "checkbox"),
                ("name", "failing"),
                ("value", "1"),
                ("id", "filter-failing"),
                ("checked", filter.FailingOnly ? "checked" : null)
            )
            .Raw(" failing only</label> ");
        if (filter.PerPage != GuestFilter.DefaultPerPage)
        {
            h.Open("input", ("type", "hidden"), ("name", "per"), ("value", filter.PerPage.ToString(CultureInfo.InvariantCulture)));
        }

        h.Raw("<button type=\"submit\" id=\"filter-apply\">Show</button>");
        if (filter.Narrowed)
        {
            h.Raw(" <a href=\"/\" id=\"filter-clear\">all guests</a>");
        }

        h.Raw("</form>");
    }

    private static void Option(Html h, string value, string label, bool selected) =>
        h.Open("option", ("value", value), ("selected", selected ? "selected" : null)).Text(label).Raw("</option>");

    private static void Summary(Html h, IReadOnlyList<GuestReport> all, GuestFilter filter, int shown, int matching, int page, int pages)
    {
        var first = matching == 0 ? 0 : ((page - 1) * filter.PerPage) + 1;
        h.Element(
            "p",
            string.Create(
                CultureInfo.InvariantCulture,
                $"{first}–{first + shown - Math.Min(1, shown)} of {matching} {(filter.Narrowed ? "matching " : string.Empty)}guests ({all.Count(GuestFilter.Failing)} of {all.Count} failing), failing first · page {page} of {pages}"
            ),
            ("class", "meta"),
            ("id", "guest-count")
        );
    }

    private static void Pager(Html h, GuestFilter filter, int page, int pages)
    {
        if (pages <= 1)
        {
            return;
        }

        h.Raw("<nav class=\"pager\" id=\"pager\">");
        if (page > 1)
        {
            h.Open("a", ("href", filter.Query(page - 1)), ("id", "page-prev"), ("rel", "prev")).Text("← previous").Raw("</a> ");
        }

        h.Text(string.Create(CultureInfo.InvariantCulture, $"page {page} of {pages}"));
        if (page < pages)
        {
            h.Raw(" ").Open("a", ("href", filter.Query(page + 1)), ("id", "page-next"), ("rel", "next")).Text("next →").Raw("</a>");
        }

        h.Raw("</nav>");
    }
}
