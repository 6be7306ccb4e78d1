using Quartz;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Notifications;

namespace SelfHostSync.Tests.Notifications;

/// <summary>The weekly summary's period (the last two fire times of its schedule) and what it says.</summary>
public sealed class SummaryMessageTests
{
    private static readonly DateTimeOffset Monday8 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-12-03T12:00:00Z", "2026-11-23T08:00:00Z", "2026-11-30T08:00:00Z")]
    [InlineData("2026-11-30T08:00:00Z", "2026-11-23T08:00:00Z", "2026-11-30T08:00:00Z")]
    [InlineData("2026-11-30T07:59:59Z", "2026-11-16T08:00:00Z", "2026-11-23T08:00:00Z")]
    public void LastPeriod_MondaysAt8_TheWeekThatEndedLast(string now, string start, string end)
    {
        var cron = new CronExpression("0 0 8 ? * MON", TimeZoneInfo.Utc);

        var period = WeeklySummary.LastPeriod(cron, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(
            (
                DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture)
            ),
            period
        );
    }

    [Fact]
    public void LastPeriod_WeekIntoSummerTime_EndsAtEightInTheProvidersZone()
    {
        // Europe/Berlin moves to summer time on Sunday 28 March 2027: Monday 08:00 is 07:00 UTC before and 06:00 UTC after.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2027, 3, 29, 12, 0, 0, TimeSpan.Zero));
        time.SetLocalTimeZone(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));

        var period = WeeklySummary.LastPeriod(Scheduling.Cron.In("0 0 8 ? * MON", time), time.GetUtcNow());

        Assert.Equal((new DateTimeOffset(2027, 3, 22, 7, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 3, 29, 6, 0, 0, TimeSpan.Zero)), period);
    }

    [Fact]
    public void Of_OneNewFailureOneRecovery_BothListedWithTheOldestUntestedProductionGuest()
    {
        var before = Report(
            ("homelab", 100, Level.Production, CheckIds.BackupFresh, CheckStatus.Fail),
            ("homelab", 101, Level.Production, CheckIds.RestoreTested, CheckStatus.Pass)
        );
        var latest = Report(
            ("homelab", 100, Level.Production, CheckIds.BackupFresh, CheckStatus.Pass),
            ("homelab", 101, Level.Production, CheckIds.RestoreTested, CheckStatus.Fail)
        );

        var message = SummaryMessage.Of(latest, before, [], [], Monday8.AddDays(-7), Monday8);

        Assert.Equal("summary", message.Kind);
        Assert.Equal("SelfHostSync weekly summary: 1 of 2 guests failing, 1 new, 1 recovered", message.Title);
        Assert.Contains("✗ homelab/101 g101 [3b] restore.tested: detail", message.Text, StringComparison.Ordinal);
        Assert.Contains("✓ homelab/100 g100 [3b] backup.fresh", message.Text, StringComparison.Ordinal);
        Assert.True(
            message.Text.Contains("Oldest untested production guest\n  homelab/101 g101 [3b]: detail", StringComparison.Ordinal),
            message.Text
        );
        Assert.Contains("<li>✗ homelab/101 g101 [3b] restore.tested: detail</li>", message.Html, StringComparison.Ordinal);
        Assert.Equal(["new-failure", "resolved"], message.Events.Select(e => e.Kind));
    }

    private static RunReport Report(params (string Cluster, int Vmid, Level Level, string Check, CheckStatus Status)[] guests) =>
        new()
        {
            RunId = "r",
            StartedAt = Monday8,
            FinishedAt = Monday8,
            DryRun = false,
            Degraded = false,
            Sources = [],
            Writes = 0,
            Guests =
            [
                .. guests.Select(g => new GuestReport
                {
                    Cluster = g.Cluster,
                    Vmid = g.Vmid,
                    Node = "pve1",
                    Type = "qemu",
                    Name = $"g{g.Vmid}",
                    Level = g.Level,
                    LevelReasons = [],
                    Checks = [new CheckResult(g.Check, g.Status, "detail", Monday8.AddDays(-1))],
                    TagsBefore = [],
                    TagsAfter = [],
                    Written = false,
                    WriteStatus = GuestWriteStatus.Unchanged,
                }),
            ],
        };
}
