using System.Globalization;
using Microsoft.AspNetCore.Http;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Dashboard;

namespace SelfHostSync.Tests.Dashboard;

/// <summary>The dashboard of a 3,000-guest estate: a default page that fits a phone over a VPN, filters and pages on the server.</summary>
public sealed class GuestTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Three clusters of 1,000 guests with every guest check and a realistic detail each; every seventh guest fails its
    /// restore test (the large lab's shape: level 3b for one in three, 3a and 2 for the rest).
    /// </summary>
    private static RunReport Large()
    {
        var guests = new List<GuestReport>();
        foreach (var cluster in new[] { "c1", "c2", "c3" })
        {
            for (var i = 0; i < 1000; i++)
            {
                var vmid = 100 + i;
                var failing = i % 7 == 0;
                guests.Add(
                    new GuestReport
                    {
                        Cluster = cluster,
                        Vmid = vmid,
                        Node = "pve" + (i % 3),
                        Type = i % 4 == 0 ? "lxc" : "qemu",
                        Name = string.Create(CultureInfo.InvariantCulture, $"guest-{cluster}-{vmid}"),
                        Level = (i % 3) switch
                        {
                            0 => Level.Production,
                            1 => Level.Homelab,
                            _ => Level.Vps,
                        },
                        LevelReasons = ["inferred production: 2 production signals (onboot=1, in an enabled backup job), threshold 2"],
                        Checks =
                        [
                            .. CheckIds.GuestChecks.Select(id =>
                                id == CheckIds.RestoreTested && failing
                                    ? CheckResult.Fail(id, "never restored: no restore task, drill or recorded restore in 90 d")
                                    : CheckResult.Pass(id, $"newest backup 20 h old on pbs-1 (ns prod), policy 30 h ({id})", Now.AddHours(-20))
                            ),
                        ],
                        TagsBefore = ["level-3b", "prod"],
                        TagsAfter = ["level-3b", "prod", failing ? "warn-restore-untested" : "ok"],
                        Written = false,
                        WriteStatus = GuestWriteStatus.Unchanged,
                    }
                );
            }
        }

        return new RunReport
        {
            RunId = "01",
            StartedAt = Now,
            FinishedAt = Now,
            DryRun = false,
            Degraded = false,
            Sources = [],
            Guests = guests,
            Writes = 0,
        };
    }

    private static async Task<string> RenderAsync(RunReport report, string query)
    {
        var filter = GuestFilter.From(new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)));
        var model = new DashboardModel(report, [], false, null, null, "nonce", Now) { Filter = filter };
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        await DashboardPage.WriteAsync(writer, model, CancellationToken.None);
        return writer.ToString();
    }

    /// <summary>The page's text as a browser shows it (the encoder writes – and · as character references).</summary>
    private static string Decoded(string page) => System.Net.WebUtility.HtmlDecode(page);

    [Fact]
    public async Task Render_LargeEstateDefaultPage_AtMost500KBFailingFirst()
    {
        var report = Large();

        var page = await RenderAsync(report, string.Empty);
        var all = await RenderAsync(report, "?per=1000&page=1");

        Assert.True(page.Length <= 500 * 1024, $"default page {page.Length / 1024} KB");
        Assert.Equal(100, Count(page, "<tr data-guest="));
        Assert.Contains("1–100 of 3000 guests (429 of 3000 failing), failing first · page 1 of 30", Decoded(page), StringComparison.Ordinal);
        Assert.Equal(100, Count(page, "title=\"fail: never restored"));
        Assert.Contains("href=\"/?page=2\" id=\"page-next\"", page, StringComparison.Ordinal);
        Assert.True(all.Length > 3 * page.Length, "the page should hold a tenth of the rows");
    }

    [Theory]
    [InlineData("?level=3a", 999, "data-level=\"3a\"><td><details>", 999)]
    [InlineData("?failing=1&cluster=c2", 143, "title=\"fail: never restored", 143)]
    [InlineData("?failing=1&cluster=c2", 143, "data-guest=\"c2/", 143)]
    [InlineData("?q=guest-c3-1042", 1, "data-guest=\"c3/1042\"", 1)]
    [InlineData("?q=1042", 3, "/1042\" data-level=", 3)]
    [InlineData("?q=c2/105", 1, "data-guest=\"c2/105\"", 1)]
    public async Task Render_Filter_OnlyMatchingGuestsCountedAndShown(string query, int matching, string rowMark, int rowsWithMark)
    {
        var page = await RenderAsync(Large(), query + "&per=1000");

        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $" of {matching} matching guests"), Decoded(page), StringComparison.Ordinal);
        Assert.Equal(matching, Count(page, "<tr data-guest="));
        Assert.Equal(rowsWithMark, Count(page, rowMark));
    }

    [Fact]
    public async Task Render_PageBeyondTheLast_ShowsTheLastWithFiltersInTheLinks()
    {
        var page = await RenderAsync(Large(), "?level=3b&per=50&page=99");

        Assert.Contains("page 21 of 21", Decoded(page), StringComparison.Ordinal);
        Assert.Contains("href=\"/?level=3b&amp;per=50&amp;page=20\" id=\"page-prev\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"page-next\"", page, StringComparison.Ordinal);
    }

    private static int Count(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
