using System.Globalization;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace SelfHostSync.Tests.Notifications;

/// <summary>The weekly summary through the real daemon, on a schedule of 5 s so periods pass while the test runs.</summary>
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
                $"\"Notifications\": {{ \"Webhooks\": [ {{ \"Url\": \"{hooks.Url}/hook\" }} ], \"Summary\": {{ \"Schedule\": \"0/5 * * * * ?\" }} }}, \"RestoreDrills\": {{",
                StringComparison.Ordinal
            )
        );
        await WaitAsync(() => Summaries(hooks).Count >= 1, "no summary within 20 s of the start");

        // Down across at least one boundary, then back on the same state.
        await daemon.StopAsync();
        var stopped = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(6));
        var restarted = DateTimeOffset.UtcNow;
        await using var again = Executable.Start("run", "--config", daemon.Run.ConfigPath);
        try
        {
            // The period that ended while the daemon was down is sent after its first pass.
            await WaitAsync(
                () => Summaries(hooks).Any(s => s.End > stopped && s.End <= restarted),
                "the period that ended while the daemon was down was not sent after the restart"
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
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(200);
        }
    }
}
