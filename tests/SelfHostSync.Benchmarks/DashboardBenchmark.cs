using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SelfHostSync.Composition;
using SelfHostSync.Configuration;
using SelfHostSync.Dashboard;
using SelfHostSync.Lab.Scenario;
using SelfHostSync.Passes;
using Serilog;

namespace SelfHostSync.Benchmarks;

/// <summary>
/// The dashboard of an estate after a real pass against the lab: the bytes of the default page, and of every guest on
/// one page (the dashboard before server-side paging), and the time Debian's Chromium takes to load and lay out each
/// (navigation start to the load event, median of 5, a fresh tab each time).
/// </summary>
internal static class DashboardBenchmark
{
    public static async Task<string> RunAsync(EstateSize size)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"shs-dash-{size.Name}-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        using var lab = EndToEndBenchmark.StartLab(size, 0, dir, out var configPath);
        try
        {
            var config = ConfigLoader.Load(configPath);
            using var log = new LoggerConfiguration().MinimumLevel.Warning().CreateLogger();
            await using var services = SelfHostSyncServices.Build(config, log, TimeProvider.System);
            var report = await services.GetRequiredService<PassRunner>().RunAsync(dryRun: false, null, CancellationToken.None);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(
                new BrowserTypeLaunchOptions
                {
                    ExecutablePath = "/usr/bin/chromium",
                    Headless = true,
                    Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
                }
            );
            var rows = new StringBuilder();
            rows.AppendLine(CultureInfo.InvariantCulture, $"### {size.Name}: {report.Guests.Count:N0} guests");
            rows.AppendLine().AppendLine("| page | bytes | rows | load in Chromium (median of 5) |").AppendLine("|---|---:|---:|---:|");
            foreach (
                var (name, filter) in new[]
                {
                    ("default (page 1 of 100, failing first)", GuestFilter.Default),
                    ("every guest on one page (before paging)", GuestFilter.Default with { PerPage = int.MaxValue }),
                }
            )
            {
                var path = Path.Combine(dir, "page.html");
                await using (var file = new StreamWriter(path, false, new UTF8Encoding(false)))
                {
                    var model = new DashboardModel(report, [], false, null, null, "bench", DateTimeOffset.UtcNow) { Filter = filter };
                    await DashboardPage.WriteAsync(file, model, CancellationToken.None);
                }

                var times = new List<double>();
                for (var i = 0; i < 5; i++)
                {
                    var page = await browser.NewPageAsync();
                    var clock = Stopwatch.StartNew();
                    await page.GotoAsync(new Uri(path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Load });
                    clock.Stop();
                    times.Add(clock.Elapsed.TotalMilliseconds);
                    await page.CloseAsync();
                }

                var count = filter.Apply(report.Guests).Rows.Count;
                rows.AppendLine(
                    CultureInfo.InvariantCulture,
                    $"| {name} | {new FileInfo(path).Length / 1024.0:N0} KiB | {count:N0} | {times.Order().ElementAt(2):N0} ms |"
                );
            }

            return rows.ToString();
        }
        finally
        {
            lab.Kill(entireProcessTree: true);
            Directory.Delete(dir, recursive: true);
        }
    }
}
