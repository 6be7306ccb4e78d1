using Microsoft.Playwright;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Tests.Dashboard;

/// <summary>The dashboard in real headless Chromium (Debian's, driven by Playwright): levels, escaping, resync.</summary>
public sealed class DashboardBrowserTests
{
    private const string Evil = "<script>alert(1)</script>";

    private static readonly Dictionary<string, string> DemoLevels = new(StringComparer.Ordinal)
    {
        ["homelab/100"] = "3b",
        ["homelab/101"] = "3b",
        ["homelab/110"] = "3a",
        ["homelab/120"] = "3a",
        ["homelab/121"] = "3a",
        ["homelab/122"] = "3a",
        ["homelab/130"] = "3b",
        ["homelab/140"] = "3a",
        ["rented/100"] = "2",
        ["rented/101"] = "2",
    };

    private static LabScenario WithEvilGuest(LabScenario s) =>
        s with
        {
            Clusters =
            [
                .. s.Clusters.Select(c =>
                    c.Name != "homelab"
                        ? c
                        : c with
                        {
                            Guests =
                            [
                                .. c.Guests,
                                new GuestSpec
                                {
                                    Vmid = 150,
                                    Type = "lxc",
                                    Name = Evil,
                                    Node = "pve2",
                                    Tags = "lab",
                                    Description = "<img src=x onerror=alert(2)> notes",
                                },
                            ],
                        }
                ),
            ],
        };

    /// <summary>Debian's Chromium, headless, as root (no sandbox); the test is skipped where it is not installed.</summary>
    internal static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Requires.Tool("/usr/bin/chromium", "chromium");
        return await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            }
        );
    }

    [Fact]
    public async Task Dashboard_DemoLab_ShowsLevelsEscapesNamesAndResyncShowsTheNewRun()
    {
        await using var daemon = await DaemonProcess.StartAsync(scenario: WithEvilGuest);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = 1440, Height = 1200 },
            }
        );
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };

        await page.GotoAsync(daemon.Url.ToString());

        foreach (var (guest, level) in DemoLevels)
        {
            var guestRow = page.Locator($"tr[data-guest=\"{guest}\"]");
            Assert.Equal(level, await guestRow.GetAttributeAsync("data-level"));
            Assert.Equal(level, (await guestRow.Locator(".chip").InnerTextAsync()).Trim());
        }

        // The hostile name is text, not markup: no script element, no dialog.
        Assert.Equal(Evil, (await page.Locator("tr[data-guest=\"homelab/150\"] .name").InnerTextAsync()).Trim());
        Assert.Equal(0, await page.Locator("script").CountAsync());
        Assert.Equal(0, await page.Locator("img").CountAsync());
        // Live counts per level, Inventory included (Mail is level 0, nyc-vps level 2).
        foreach (var (level, count) in new[] { ("0", "1"), ("1", "1"), ("2", "3"), ("3a", "6"), ("3b", "3") })
        {
            Assert.Equal(count, (await page.Locator($"#matrix tr[data-level=\"{level}\"] td.count").InnerTextAsync()).Trim());
        }

        var runsBefore = await page.Locator("#runs tr[data-run]").CountAsync();
        await page.Locator("#resync").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("?run=", StringComparison.Ordinal));
        var runId = Uri.UnescapeDataString(page.Url.Split("?run=")[1]);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        var row = page.Locator($"#runs tr[data-run=\"{runId}\"] td:nth-child(4)");
        while (await row.CountAsync() == 0 || (await row.InnerTextAsync()).Trim() is "running" or "queued")
        {
            Assert.True(DateTime.UtcNow < deadline, $"run {runId} never appeared on the page");
            await Task.Delay(500);
            await page.GotoAsync(daemon.Url.ToString());
        }

        Assert.True(await page.Locator("#runs tr[data-run]").CountAsync() > runsBefore);
        Assert.Equal("ok", (await row.InnerTextAsync()).Trim());
        Assert.Equal(0, await page.Locator("#pass-state").CountAsync());
        Assert.Empty(dialogs);

        var shots = Environment.GetEnvironmentVariable("SELFHOSTSYNC_SCREENSHOTS") ?? AppContext.BaseDirectory;
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard.png"), FullPage = true });
        var (code, log) = await daemon.StopAsync();
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task Dashboard_RunDrillButton_DrillShownWithRtoTrend()
    {
        await using var daemon = await DaemonProcess.StartAsync(scenario: DemoLab.WithoutPassthrough);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(daemon.Url.ToString());
        Assert.Contains("No drill yet", await page.Locator("#drills").InnerTextAsync(), StringComparison.Ordinal);

        await page.Locator("#drill-now").ClickAsync();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        var passed = page.Locator("#drills tr.drill-passed");
        while (await passed.CountAsync() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the drill never showed up as passed");
            await Task.Delay(500);
            await page.GotoAsync(daemon.Url.ToString());
        }

        // Never-tested production first: homelab/100, its newest PBS snapshot, with an RTO and a trend line.
        Assert.Contains("homelab/100", await passed.First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("pbs:backup/vm/100/", await passed.First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("#drills table.rto svg.spark").CountAsync());
        Assert.Equal(0, await page.Locator("script").CountAsync());
        var (code, log) = await daemon.StopAsync();
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task Dashboard_WithoutJavaScript_ReadableAndResyncFormWorks()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        var page = await context.NewPageAsync();

        await page.GotoAsync(daemon.Url.ToString());

        Assert.Equal(10, await page.Locator("#guests tr[data-guest]").CountAsync());
        Assert.Contains(
            "never restored",
            await page.Locator("tr[data-guest=\"homelab/100\"] td[data-check=\"restore.tested\"]").GetAttributeAsync("title") ?? string.Empty,
            StringComparison.Ordinal
        );
        // Filters and pages are a GET form and links: they work without JavaScript.
        await page.SelectOptionAsync("#filter-level", "3a");
        await page.Locator("#filter-apply").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("level=3a", StringComparison.Ordinal));
        Assert.Equal(5, await page.Locator("#guests tr[data-guest]").CountAsync());
        Assert.Equal(5, await page.Locator("#guests tr[data-level=\"3a\"]").CountAsync());

        await page.GotoAsync(new Uri(daemon.Url, "/?per=5").ToString());
        await page.FillAsync("#filter-q", "nextcloud");
        await page.Locator("#filter-apply").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("q=nextcloud", StringComparison.Ordinal));
        Assert.Equal(
            ["homelab/101"],
            await page.Locator("#guests tr[data-guest]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.guest)")
        );

        await page.GotoAsync(new Uri(daemon.Url, "/?per=5").ToString());
        var first = await page.Locator("#guests tr[data-guest]").CountAsync();
        await page.Locator("#page-next").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("page=2", StringComparison.Ordinal));
        Assert.Equal((5, 5), (first, await page.Locator("#guests tr[data-guest]").CountAsync()));
        Assert.Contains("page 2 of 2", await page.Locator("#guest-count").InnerTextAsync(), StringComparison.Ordinal);

        await page.GotoAsync(daemon.Url.ToString());
        await page.Locator("#resync").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("?run=", StringComparison.Ordinal));
        await daemon.StopAsync();
    }
}
