using System.Text.Json;
using Json.Schema;
using Microsoft.Playwright;

namespace SelfHostSync.Tests.Reports;

/// <summary><c>selfhostsync report</c> on the demo lab after a pass and a drill: JSON against its schema, a printable page in Chromium, Markdown.</summary>
[LongRunning]
public sealed class ReportEndToEndTests
{
    [Fact]
    public async Task Report_DemoLabAfterADrill_JsonValidHtmlPrintableMarkdownReadable()
    {
        await using var run = await LabRun.StartAsync(editScenario: DemoLab.WithoutPassthrough);
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        var (drillCode, _, drillErr) = await Executable.RunAsync("drill", "homelab/100", "--config", run.ConfigPath);
        Assert.True(drillCode == 0, drillErr);
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);

        var (code, json, stderr) = await Executable.RunAsync("report", "--format", "json", "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);
        var schema = JsonSchema.FromText(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "report.schema.json")));
        using var doc = JsonDocument.Parse(json);
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        Assert.True(
            result.IsValid,
            string.Join(
                "\n",
                (result.Details ?? [])
                    .Where(d => !d.IsValid && d.Errors is { Count: > 0 })
                    .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}")
            )
        );
        var inference = doc.RootElement.GetProperty("guests").EnumerateArray().Single(g => g.GetProperty("guest").GetString() == "homelab/100");
        var drill = inference.GetProperty("drills").EnumerateArray().Single();
        Assert.Equal("passed", drill.GetProperty("state").GetString());
        Assert.True(drill.GetProperty("rtoSeconds").GetDouble() > 0);
        Assert.Equal(drill.GetProperty("archive").GetString(), inference.GetProperty("provenRestorePoint").GetProperty("archive").GetString());

        var html = Path.Combine(run.Directory, "report.html");
        (code, _, stderr) = await Executable.RunAsync("report", "--format", "html", "--output", html, "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);
        await RenderAsync(html);

        (code, var markdown, stderr) = await Executable.RunAsync("report", "--format", "md", "--since", "30d", "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("# Evidence report", markdown, StringComparison.Ordinal);
        Assert.Contains("## homelab/100 inference — level 3b (qemu)", markdown, StringComparison.Ordinal);
        Assert.Contains("- drill ", markdown, StringComparison.Ordinal);

        var (bad, stdout, error) = await Executable.RunAsync("report", "--since", "last week", "--config", run.ConfigPath);
        Assert.Equal((1, string.Empty), (bad, stdout));
        Assert.Equal("report: --since 'last week' is not a period (90d, 12w, 36h, or d.hh:mm:ss)", error.Trim());
    }

    /// <summary>Opens the page in Chromium: no script, every section there; a screenshot of it for docs/.</summary>
    private static async Task RenderAsync(string path)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Dashboard.DashboardBrowserTests.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(
            new BrowserNewPageOptions
            {
                ViewportSize = new ViewportSize { Width = 1000, Height = 1200 },
            }
        );
        await page.GotoAsync(new Uri(path).ToString());

        Assert.Equal("Evidence report", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(0, await page.Locator("script").CountAsync());
        Assert.Equal(10, await page.Locator("section.guest[id^=\"guest-\"]").CountAsync());
        Assert.Contains("passed", await page.Locator("#guest-homelab-100 table.drills").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(
            "Proven restore point: pbs:backup/vm/100/",
            await page.Locator("#guest-homelab-100").InnerTextAsync(),
            StringComparison.Ordinal
        );

        var shots = Environment.GetEnvironmentVariable("SELFHOSTSYNC_SCREENSHOTS") ?? AppContext.BaseDirectory;
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "report.png"), FullPage = false });
        var pdf = await page.PdfAsync(new PagePdfOptions { Format = "A4" });
        Assert.True(pdf.Length > 10_000, "the page prints");
    }
}
