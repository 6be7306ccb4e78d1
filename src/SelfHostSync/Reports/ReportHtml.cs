using System.Globalization;
using SelfHostSync.Core.Text;
using SelfHostSync.Dashboard;

namespace SelfHostSync.Reports;

/// <summary>The evidence report as one printable HTML page: no script, no external asset, every text encoded, print CSS.</summary>
internal static class ReportHtml
{
    private const string Css = """
        body { font: 14px/1.45 system-ui, sans-serif; color: #1b1f24; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
        h1 { margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ccd; } h3 { margin: 1.4rem 0 .3rem; }
        p.meta, .muted { color: #5b6470; }
        table { border-collapse: collapse; width: 100%; margin: .4rem 0; }
        th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid #e3e6ea; }
        th { background: #f3f5f7; } td.num, th.num { text-align: right; }
        .pass { color: #1a7f37; } .fail { color: #c62828; font-weight: 600; } .warn { color: #9a6700; } .unknown { color: #5b6470; }
        section.guest { break-inside: avoid; }
        @media print { body { margin: 0; max-width: none; font-size: 11px; } h2 { break-before: auto; } section.guest { break-inside: avoid-page; } a { color: inherit; text-decoration: none; } }
        """;

    public static async Task WriteAsync(TextWriter output, EvidenceReport r, CancellationToken cancellationToken)
    {
        var h = new Html(output);
        h.Raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>SelfHostSync evidence report</title><style>")
            .Raw(Css)
            .Raw("</style></head><body><h1>Evidence report</h1>");
        h.Element(
            "p",
            string.Create(
                CultureInfo.InvariantCulture,
                $"Generated {Stamp(r.GeneratedAt)} from run {r.RunId} (finished {Stamp(r.RunFinishedAt)}); restore tests and drills since {Stamp(r.Since)}."
            ),
            ("class", "meta")
        );
        if (r.Degraded)
        {
            h.Element("p", "The run could not read every source: checks that depend on a missing source are unknown.", ("class", "fail"));
        }

        h.Raw(
            "<h2>Summary</h2><table id=\"levels\"><thead><tr><th>Level</th><th>Environment</th><th class=\"num\">Systems</th><th class=\"num\">Failing</th></tr></thead><tbody>"
        );
        foreach (var l in r.Levels)
        {
            h.Raw("<tr>").Element("td", l.Level).Element("td", l.Name);
            h.Element("td", l.Systems.ToString(CultureInfo.InvariantCulture), ("class", "num"));
            h.Element("td", l.Failing.ToString(CultureInfo.InvariantCulture), ("class", l.Failing > 0 ? "num fail" : "num")).Raw("</tr>");
        }

        h.Raw("</tbody></table><p class=\"muted\">Sources: ");
        h.Text(string.Join(" · ", r.Sources.Select(s => s.Ok ? $"{s.Source} ok" : $"{s.Source} failed ({s.Error})")));
        h.Raw("</p><h2>Guests</h2>");
        foreach (var g in r.Guests)
        {
            h.Open("section", ("class", "guest"), ("id", "guest-" + g.Guest.Replace('/', '-')));
            h.Element("h3", $"{g.Guest} {g.Name} — level {g.Level} ({g.Type})");
            h.Element("p", "Why: " + string.Join("; ", g.LevelReasons), ("class", "muted"));
            Checks(h, g.Checks);
            h.Element(
                "p",
                g.ProvenRestorePoint is { } p
                    ? $"Proven restore point: {p.Archive}, taken {Stamp(p.BackupTime)}, restored by {p.How} {Stamp(p.ProvenAt)}."
                    : "Proven restore point: none (no passed drill or recorded restore of a backup that is still there).",
                ("class", g.ProvenRestorePoint is null ? "warn" : "pass")
            );
            if (g.Drills.Count > 0)
            {
                h.Raw(
                    "<table class=\"drills\"><thead><tr><th>Drill</th><th>Result</th><th>Backup</th><th class=\"num\">RTO</th><th>Detail</th></tr></thead><tbody>"
                );
                foreach (var d in g.Drills)
                {
                    h.Raw("<tr>").Element("td", Stamp(d.StartedAt)).Element("td", d.State, ("class", d.State == "passed" ? "pass" : "fail"));
                    h.Element("td", d.Archive)
                        .Element("td", d.RtoSeconds is { } rto ? Durations.Format(TimeSpan.FromSeconds(Math.Round(rto))) : "—", ("class", "num"));
                    h.Element("td", string.Join("; ", new[] { d.Reason, d.Probes }.Where(t => !string.IsNullOrEmpty(t)))).Raw("</tr>");
                }

                h.Raw("</tbody></table>");
            }

            if (g.RestoreTests.Count > 0)
            {
                h.Raw(
                    "<table class=\"restore-tests\"><thead><tr><th>Restore test</th><th>How</th><th>Result</th><th>Backup</th><th>Note</th></tr></thead><tbody>"
                );
                foreach (var t in g.RestoreTests)
                {
                    h.Raw("<tr>")
                        .Element("td", Stamp(t.At))
                        .Element("td", t.Kind)
                        .Element("td", t.Passed ? "passed" : "failed", ("class", t.Passed ? "pass" : "fail"));
                    h.Element("td", t.Archive ?? "—").Element("td", t.Note ?? string.Empty).Raw("</tr>");
                }

                h.Raw("</tbody></table>");
            }

            h.Raw("</section>");
            await h.FlushIfFullAsync(cancellationToken);
        }

        if (r.Inventory.Count > 0)
        {
            h.Raw("<h2>Outside Proxmox</h2>");
            foreach (var i in r.Inventory)
            {
                h.Open("section", ("class", "guest"))
                    .Element("h3", $"{i.Name} — level {i.Level}{(i.Vendor is null ? string.Empty : $" ({i.Vendor})")}");
                Checks(h, i.Checks);
                h.Raw("</section>");
            }
        }

        h.Raw("</body></html>");
        await h.FlushAsync(cancellationToken);
    }

    private static void Checks(Html h, IReadOnlyList<ReportCheck> checks)
    {
        h.Raw("<table class=\"checks\"><thead><tr><th>Check</th><th>Status</th><th>Evidence</th><th>As of</th></tr></thead><tbody>");
        foreach (var c in checks)
        {
            h.Raw("<tr>").Element("td", c.Id).Element("td", c.Status, ("class", c.Status)).Element("td", c.Detail);
            h.Element("td", c.EvidenceAt is { } at ? Stamp(at) : "—").Raw("</tr>");
        }

        h.Raw("</tbody></table>");
    }

    internal static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
