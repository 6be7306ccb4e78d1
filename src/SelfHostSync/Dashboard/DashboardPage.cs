using System.Globalization;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Text;
using SelfHostSync.State;

namespace SelfHostSync.Dashboard;

/// <summary>What the page shows: the last report, recent runs, and what the daemon is doing now.</summary>
internal sealed record DashboardModel(
    RunReport? Last,
    IReadOnlyList<RunSummary> Runs,
    bool Running,
    string? PendingRunId,
    SyncProgress? Progress,
    string Nonce,
    DateTimeOffset Now
)
{
    /// <summary>Restore drill history, newest first; null when drills are not configured.</summary>
    public IReadOnlyList<Core.Drills.DrillRecord>? Drills { get; init; }

    public bool DrillRunning { get; init; }

    /// <summary>Which guests the table shows (query string), and which page.</summary>
    public GuestFilter Filter { get; init; } = GuestFilter.Default;

    /// <summary>The latest webhook calls from PVE and PBS, newest first.</summary>
    public IReadOnlyList<State.HookEvent> Hooks { get; init; } = [];
}

/// <summary>
/// The dashboard (DESIGN §7): server-rendered, readable without JavaScript, no external assets, every text
/// HTML-encoded. While a pass is queued or running the page refreshes itself every few seconds.
/// </summary>
internal static class DashboardPage
{
    private static readonly (string Level, string Environment, string Hardware, string Os, string Backups, string Purpose)[] Matrix =
    [
        ("0", "SaaS", "Vendor", "You (identity, MFA, access)", "Vendor", "Consumption"),
        ("1", "Hosted / managed platform", "Vendor", "You (apps)", "Vendor", "Partial control"),
        ("2", "VPS / cloud VM", "Provider", "You", "You", "Infrastructure responsibility"),
        ("3a", "Full-stack homelab", "You", "You", "You", "Skill development — wipeable, rebuildable from documentation"),
        ("3b", "Full-stack production", "You", "You", "You", "Reliability first — monitored, backed up, restores tested"),
    ];

    private static readonly Lazy<string> Css = new(() =>
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("SelfHostSync.Dashboard.dashboard.css")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>Writes the page to <paramref name="output"/> while it is rendered (the guest table is one row per guest).</summary>
    public static async Task WriteAsync(TextWriter output, DashboardModel m, CancellationToken cancellationToken)
    {
        var h = new Html(output);
        h.Raw(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        );
        if (m.Running || m.PendingRunId is not null || m.DrillRunning)
        {
            h.Raw("<meta http-equiv=\"refresh\" content=\"3\">");
        }

        h.Raw("<title>SelfHostSync</title>").Open("style", ("nonce", m.Nonce)).Raw(Css.Value).Raw("</style></head><body>");
        Header(h, m);
        h.Raw("<main>");
        Banners(h, m);
        MatrixTable(h, m.Last);
        await GuestTable.RenderAsync(h, m.Last, m.Filter, m.Now, cancellationToken);
        Inventory(h, m.Last);
        DrillSection.Render(h, m.Drills, m.Drills is not null, m.DrillRunning, m.Now);
        HookSection.Render(h, m.Hooks, m.Now);
        Runs(h, m);
        h.Raw(
            "</main><footer>Prometheus metrics at <a href=\"/metrics\">/metrics</a> · JSON at <a href=\"/api/status\">/api/status</a></footer></body></html>"
        );
        await h.FlushAsync(cancellationToken);
    }

    private static void Header(Html h, DashboardModel m)
    {
        h.Raw("<header><h1>SelfHostSync</h1><p class=\"meta\">");
        if (m.Last is { } last)
        {
            h.Text(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Last run {Durations.Format(m.Now - last.FinishedAt)} ago · {last.Guests.Count} guests · {last.Writes} tag writes"
                )
            );
        }
        else
        {
            h.Text("No finished run yet");
        }

        h.Raw("</p><form method=\"post\" action=\"/api/sync\" enctype=\"application/x-www-form-urlencoded\">")
            .Raw("<button type=\"submit\" id=\"resync\">Resync now</button></form></header>");
    }

    private static void Banners(Html h, DashboardModel m)
    {
        if (m.Last is { Degraded: true } last)
        {
            h.Raw("<div class=\"banner degraded\" id=\"degraded\" role=\"alert\"><strong>Last run degraded:</strong> ");
            h.Text(string.Join("; ", last.Sources.Where(s => !s.Ok).Select(s => $"{s.Kind}:{s.Name} — {s.Error}")));
            h.Text(". Checks that depend on it are unknown and their tags were left as they were.").Raw("</div>");
        }

        if (m.PendingRunId is not null || m.Running)
        {
            h.Open("div", ("class", "banner info"), ("id", "pass-state"), ("data-run", m.PendingRunId));
            h.Text(m.Running ? "A pass is running" : "A pass is queued");
            if (m.Progress is { } p)
            {
                h.Text(string.Create(CultureInfo.InvariantCulture, $" ({p.Stage} {p.Done}/{p.Total})"));
            }

            h.Text(" — this page refreshes until it is done.").Raw("</div>");
        }
    }

    private static void MatrixTable(Html h, RunReport? last)
    {
        h.Raw(
            "<section><h2>Responsibility matrix</h2><table class=\"matrix\" id=\"matrix\"><thead><tr><th>Level</th><th>Environment</th><th>Hardware owner</th><th>OS &amp; services</th><th>Backups &amp; recovery</th><th>Purpose</th><th class=\"num\">Systems</th><th class=\"num\">Failing</th></tr></thead><tbody>"
        );
        foreach (var row in Matrix)
        {
            var guests = last?.Guests.Where(g => g.Level.ToCode() == row.Level).ToList() ?? [];
            var inventory = last?.Inventory.Where(i => i.Level.ToCode() == row.Level).ToList() ?? [];
            var failing =
                guests.Count(g => g.Checks.Any(c => c.Status == CheckStatus.Fail))
                + inventory.Count(i => i.Checks.Any(c => c.Status == CheckStatus.Fail));
            h.Open("tr", ("data-level", row.Level)).Raw("<td>").Element("span", row.Level, ("class", "chip l" + row.Level)).Raw("</td>");
            foreach (var cell in new[] { row.Environment, row.Hardware, row.Os, row.Backups, row.Purpose })
            {
                h.Element("td", cell);
            }

            h.Element("td", (guests.Count + inventory.Count).ToString(CultureInfo.InvariantCulture), ("class", "num count"));
            h.Element("td", failing.ToString(CultureInfo.InvariantCulture), ("class", "num failing")).Raw("</tr>");
        }

        h.Raw("</tbody></table></section>");
    }

    private static void Inventory(Html h, RunReport? last)
    {
        if (last is null || last.Inventory.Count == 0)
        {
            return;
        }

        h.Raw(
            "<section><h2>Outside Proxmox (Inventory)</h2><table class=\"inventory\" id=\"inventory\"><thead><tr><th>System</th><th>Level</th><th>Vendor</th><th>Checks</th></tr></thead><tbody>"
        );
        foreach (var i in last.Inventory)
        {
            h.Open("tr", ("data-inventory", i.Name))
                .Element("td", i.Name)
                .Raw("<td>")
                .Element("span", i.Level.ToCode(), ("class", "chip l" + i.Level.ToCode()))
                .Raw("</td>")
                .Element("td", i.Vendor ?? "—")
                .Raw("<td>");
            foreach (var c in i.Checks)
            {
                h.Element("span", $"{Symbol(c.Status)} {c.Id} ", ("class", "st " + c.Status.ToCode()), ("title", c.Detail));
            }

            h.Raw("</td></tr>");
        }

        h.Raw("</tbody></table></section>");
    }

    private static void Runs(Html h, DashboardModel m)
    {
        h.Raw(
            "<section><h2>Last runs</h2><table class=\"runs\" id=\"runs\"><thead><tr><th>Run</th><th>Started</th><th class=\"num\">Duration</th><th>State</th><th class=\"num\">Writes</th></tr></thead><tbody>"
        );
        foreach (var r in m.Runs)
        {
            h.Open("tr", ("data-run", r.RunId))
                .Element("td", r.RunId[..Math.Min(8, r.RunId.Length)], ("title", r.RunId))
                .Element("td", r.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture))
                .Element(
                    "td",
                    r.FinishedAt is { } f ? string.Create(CultureInfo.InvariantCulture, $"{(f - r.StartedAt).TotalSeconds:0.0} s") : "—",
                    ("class", "num")
                )
                .Element(
                    "td",
                    r.State == "done"
                        ? (
                            r.Degraded == true ? "degraded"
                            : r.DryRun ? "dry run"
                            : "ok"
                        )
                        : r.State
                )
                .Element("td", r.Writes?.ToString(CultureInfo.InvariantCulture) ?? "—", ("class", "num"))
                .Raw("</tr>");
        }

        h.Raw("</tbody></table></section>");
    }

    internal static string ShortName(string check) =>
        check switch
        {
            CheckIds.BackupPresent => "backup",
            CheckIds.BackupFresh => "fresh",
            CheckIds.BackupVerified => "verified",
            CheckIds.RestoreTested => "restore",
            CheckIds.OffsitePresent => "offsite",
            CheckIds.CoverageJob => "job",
            CheckIds.DocsPresent => "docs",
            CheckIds.IntentConsistent => "intent",
            CheckIds.StorageHealthy => "storage",
            _ => check,
        };

    internal static string Symbol(CheckStatus status) =>
        status switch
        {
            CheckStatus.Pass => "✓",
            CheckStatus.Warn => "!",
            CheckStatus.Fail => "✗",
            _ => "?",
        };
}
