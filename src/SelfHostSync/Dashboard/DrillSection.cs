using System.Globalization;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Text;

namespace SelfHostSync.Dashboard;

/// <summary>Restore drills on the dashboard: the latest drills with their result and timings, and the RTO trend per guest.</summary>
internal static class DrillSection
{
    private const int TrendLength = 12;

    public static void Render(Html h, IReadOnlyList<DrillRecord>? drills, bool configured, bool running, DateTimeOffset now)
    {
        if (!configured)
        {
            return;
        }

        h.Raw("<section id=\"drills\"><h2>Restore drills</h2>");
        if (running)
        {
            h.Element("p", "A drill is running (restore, isolated boot, probe, destroy).", ("class", "banner"));
        }
        else
        {
            h.Raw("<form method=\"post\" action=\"/api/drills\" enctype=\"application/x-www-form-urlencoded\">")
                .Raw("<button type=\"submit\" id=\"drill-now\">Run a drill now</button></form>");
        }

        if (drills is null || drills.Count == 0)
        {
            h.Element(
                "p",
                "No drill yet: the next scheduled drill restores the guest whose last successful restore test is oldest.",
                ("class", "meta")
            );
            h.Raw("</section>");
            return;
        }

        Trend(h, drills);
        h.Raw(
            "<table class=\"drills\"><thead><tr><th>When</th><th>Guest</th><th>Backup restored</th><th>Result</th><th>Restore</th><th>Boot to probe</th><th>RTO</th><th>Details</th></tr></thead><tbody>"
        );
        foreach (var d in drills.Take(20))
        {
            var result = d.State.ToString().ToLowerInvariant();
            h.Open("tr", ("class", "drill-" + result));
            h.Element("td", $"{Durations.Format(now - d.StartedAt)} ago");
            h.Element("td", $"{d.Guest} {d.GuestName}");
            h.Element("td", d.Archive);
            h.Element(
                "td",
                result,
                (
                    "class",
                    d.State switch
                    {
                        DrillState.Passed => "pass",
                        DrillState.Failed => "fail",
                        _ => "unknown",
                    }
                )
            );
            h.Element("td", Seconds(d.RestoreSeconds));
            h.Element("td", Seconds(d.BootSeconds));
            h.Element("td", Seconds(d.RtoSeconds));
            h.Element(
                "td",
                (d.Reason ?? string.Empty)
                    + (d.ProbeSummary is { } probes ? $"; {probes}" : string.Empty)
                    + (d.FailedInRow is > 1 and var row ? string.Create(CultureInfo.InvariantCulture, $" ({row} failed in a row)") : string.Empty)
                    + (d.CleanedUp || d.State == DrillState.Running ? string.Empty : $" (scratch guest {d.ScratchVmid} left behind)")
            );
            h.Raw("</tr>");
        }

        h.Raw("</tbody></table></section>");
    }

    /// <summary>Per guest: the measured RTO of its last passed drills, oldest to newest, as text and a small inline SVG.</summary>
    private static void Trend(Html h, IReadOnlyList<DrillRecord> drills)
    {
        var byGuest = drills.Where(d => d.State == DrillState.Passed && d.RtoSeconds is not null).GroupBy(d => d.Guest).OrderBy(g => g.Key).ToList();
        if (byGuest.Count == 0)
        {
            return;
        }

        h.Raw("<table class=\"rto\"><thead><tr><th>Guest</th><th>RTO trend (oldest → newest)</th><th></th></tr></thead><tbody>");
        foreach (var g in byGuest)
        {
            var values = g.OrderBy(d => d.StartedAt).TakeLast(TrendLength).Select(d => d.RtoSeconds!.Value).ToList();
            h.Raw("<tr>").Element("td", g.Key.ToString()).Element("td", string.Join(" → ", values.Select(v => Seconds(v))));
            h.Raw("<td>").Raw(Sparkline(values)).Raw("</td></tr>");
        }

        h.Raw("</tbody></table>");
    }

    private static string Sparkline(IReadOnlyList<double> values)
    {
        const int Width = 120;
        const int Height = 24;
        var max = Math.Max(values.Max(), 1);
        var step = values.Count > 1 ? Width / (double)(values.Count - 1) : 0;
        var points = string.Join(
            ' ',
            values.Select((v, i) => string.Create(CultureInfo.InvariantCulture, $"{i * step:0.#},{Height - (v / max * (Height - 2)) - 1:0.#}"))
        );
        return string.Create(
            CultureInfo.InvariantCulture,
            $"<svg class=\"spark\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"RTO trend\"><polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\"{points}\"/></svg>"
        );
    }

    private static string Seconds(double? value) => value is { } v ? Durations.Format(TimeSpan.FromSeconds(Math.Round(v))) : "–";
}
