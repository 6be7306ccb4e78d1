using System.Globalization;
using SelfHostSync.Core.Text;

namespace SelfHostSync.Reports;

/// <summary>The evidence report as Markdown (a wiki page, a ticket); table cells have their pipes and line breaks escaped.</summary>
internal static class ReportMarkdown
{
    public static async Task WriteAsync(TextWriter w, EvidenceReport r, CancellationToken cancellationToken)
    {
        await w.WriteLineAsync("# Evidence report");
        await w.WriteLineAsync();
        await w.WriteLineAsync(
            $"Generated {ReportHtml.Stamp(r.GeneratedAt)} from run {r.RunId} (finished {ReportHtml.Stamp(r.RunFinishedAt)}); restore tests and drills since {ReportHtml.Stamp(r.Since)}."
        );
        if (r.Degraded)
        {
            await w.WriteLineAsync();
            await w.WriteLineAsync("**The run could not read every source: checks that depend on a missing source are unknown.**");
        }

        await w.WriteLineAsync();
        await w.WriteLineAsync("| Level | Environment | Systems | Failing |");
        await w.WriteLineAsync("|---|---|---:|---:|");
        foreach (var l in r.Levels)
        {
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"| {l.Level} | {Cell(l.Name)} | {l.Systems} | {l.Failing} |"));
        }

        foreach (var g in r.Guests)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await w.WriteLineAsync();
            await w.WriteLineAsync($"## {g.Guest} {Cell(g.Name)} — level {g.Level} ({g.Type})");
            await w.WriteLineAsync();
            await w.WriteLineAsync($"Why: {Cell(string.Join("; ", g.LevelReasons))}");
            await w.WriteLineAsync();
            await w.WriteLineAsync("| Check | Status | Evidence | As of |");
            await w.WriteLineAsync("|---|---|---|---|");
            foreach (var c in g.Checks)
            {
                await w.WriteLineAsync($"| {c.Id} | {c.Status} | {Cell(c.Detail)} | {(c.EvidenceAt is { } at ? ReportHtml.Stamp(at) : "—")} |");
            }

            await w.WriteLineAsync();
            await w.WriteLineAsync(
                g.ProvenRestorePoint is { } p
                    ? $"Proven restore point: {Cell(p.Archive)}, taken {ReportHtml.Stamp(p.BackupTime)}, restored by {p.How} {ReportHtml.Stamp(p.ProvenAt)}."
                    : "Proven restore point: none."
            );
            foreach (var d in g.Drills)
            {
                var rto = d.RtoSeconds is { } s ? $", RTO {Durations.Format(TimeSpan.FromSeconds(Math.Round(s)))}" : string.Empty;
                await w.WriteLineAsync(
                    $"- drill {ReportHtml.Stamp(d.StartedAt)}: {d.State} ({Cell(d.Archive)}{rto}) {Cell(d.Reason ?? string.Empty)}"
                );
            }

            foreach (var t in g.RestoreTests)
            {
                await w.WriteLineAsync(
                    $"- restore test {ReportHtml.Stamp(t.At)} ({t.Kind}): {(t.Passed ? "passed" : "failed")}{(t.Archive is null ? string.Empty : $" ({Cell(t.Archive)})")} {Cell(t.Note ?? string.Empty)}"
                );
            }
        }

        if (r.Inventory.Count > 0)
        {
            await w.WriteLineAsync();
            await w.WriteLineAsync("## Outside Proxmox");
            foreach (var i in r.Inventory)
            {
                await w.WriteLineAsync();
                await w.WriteLineAsync($"### {Cell(i.Name)} — level {i.Level}{(i.Vendor is null ? string.Empty : $" ({Cell(i.Vendor)})")}");
                await w.WriteLineAsync();
                foreach (var c in i.Checks)
                {
                    await w.WriteLineAsync($"- {c.Id}: {c.Status} — {Cell(c.Detail)}");
                }
            }
        }
    }

    /// <summary>
    /// Text from guests, servers and operators (names, probe output, notes) made inert: HTML that wikis render inline is
    /// entity-encoded, Markdown's link and emphasis characters and table pipes are escaped, line breaks become spaces.
    /// </summary>
    private static string Cell(string? text)
    {
        var s = new System.Text.StringBuilder();
        foreach (var c in (text ?? string.Empty).ReplaceLineEndings(" "))
        {
            _ = c switch
            {
                '<' => s.Append("&lt;"),
                '>' => s.Append("&gt;"),
                '&' => s.Append("&amp;"),
                '|' or '[' or ']' or '(' or ')' or '*' or '_' or '`' or '\\' or '#' or '!' => s.Append('\\').Append(c),
                _ => s.Append(c),
            };
        }

        return s.ToString();
    }
}
