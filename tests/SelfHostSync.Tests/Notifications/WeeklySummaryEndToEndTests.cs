using System.Globalization;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace SelfHostSync.Tests.Notifications;

/// <summary>The weekly summary through the real daemon, on a schedule of 20 s so periods pass while the test runs.</summary>
[LongRunning]
public sealed class WeeklySummaryEndToEndTests
{
    [Fact]
    public async Task Summary_DaemonRestartedAcrossTheBoundary_EachPeriodSentExactlyOnce()
    {
        using var hooks = WireMockServer.Start();
        hooks.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(204));
        await using var daemon = await DaemonProcess.StartAsync(editConfig: text =>
            text.Replace(
                "\"RestoreDrills\": {",
                $"\"Notifications\": {{ \"Webhooks\": [ {{ \"Url\": \"{hooks.Url}/hook\" }} ], \"Summary\": {{ \"Schedule\": \"0/20 * * * * ?\" }} }}, \"RestoreDrills\": {{",
                StringComparison.Ordinal
            )
        );
        await WaitAsync(() => Summaries(hooks).Count >= 1, "no summary within 40 s of the start");

        // Down across a boundary, back right after it on the same state: that period is sent after the first pass (a
        // restart that came after the next boundary too would send only the newest period).
        await daemon.StopAsync();
        var now = DateTimeOffset.UtcNow;
        var boundary = now.AddTicks(-(now.UtcTicks % TimeSpan.FromSeconds(20).Ticks)).AddSeconds(20);
        await Task.Delay(boundary - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300));
        await using var again = Executable.Start("run", "--config", daemon.Run.ConfigPath);
        try
        {
            await WaitAsync(
                () => Summaries(hooks).Any(s => s.End == boundary),
                $"the period that ended at {boundary:O}, while the daemon was down, was not sent after the restart"
            );
        }
        finally
        {
            again.Terminate();
            await again.OutputAsync(TimeSpan.FromSeconds(60));
        }

        var periods = Summaries(hooks);
        Assert.Equal(periods.Count, periods.Select(p => p.End).Distinct().Count());
        var first = periods[0];
        Assert.StartsWith("SelfHostSync weekly summary: ", first.Title, StringComparison.Ordinal);
        Assert.Contains("Levels", first.Text, StringComparison.Ordinal);
        Assert.Contains("Oldest untested production guest", first.Text, StringComparison.Ordinal);
    }

    private static List<(DateTimeOffset End, string Title, string Text)> Summaries(WireMockServer hooks) =>
        [
            .. hooks
                .LogEntries.Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement)
                .Where(m => m.GetProperty("kind").GetString() == "summary")
                .Select(m =>
                    (
                        DateTimeOffset.Parse(m.GetProperty("at").GetString()!, CultureInfo.InvariantCulture),
                        m.GetProperty("title").GetString()!,
                        m.GetProperty("text").GetString()!
                    )
                ),
        ];

    private static async Task WaitAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(200);
        }
    }
}
