using Quartz;
using SelfHostSync.Notifications.Settings;
using SelfHostSync.State;
using Serilog;

namespace SelfHostSync.Notifications;

/// <summary>
/// Sends the weekly summary once per period: when the schedule fires, and after each pass (so a daemon that was down
/// at the boundary sends it when it is back). A period is the span between the last two fire times of
/// <c>Notifications.Summary.Schedule</c>; it is recorded as sent in the state store, so a restart never sends it again.
/// A period the daemon did not watch (no pass started before its end) is not summarised.
/// </summary>
internal sealed class WeeklySummary(
    NotificationSettings settings,
    SummaryStore summaries,
    RunStore runs,
    DrillStore drills,
    Notifier notifier,
    TimeProvider time,
    ILogger log
) : IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public void Dispose() => _oneAtATime.Dispose();

    public async Task SendDueAsync(CancellationToken cancellationToken)
    {
        if (settings.SummarySchedule is not { } schedule)
        {
            return;
        }

        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (
                LastPeriod(Scheduling.Cron.In(schedule, time), now) is not { } period
                || await summaries.SentAsync(period.End, cancellationToken)
                || await summaries.ReportBeforeAsync(period.End, cancellationToken) is null
                || await runs.LastRunAsync(cancellationToken) is not { } latest
            )
            {
                return;
            }

            var message = SummaryMessage.Of(
                latest,
                await summaries.ReportBeforeAsync(period.Start, cancellationToken),
                await runs.LoadRestoreTestsAsync(cancellationToken),
                await drills.RecentDrillsAsync(10_000, null, cancellationToken),
                period.Start,
                period.End
            );
            if (!await notifier.SendNowAsync(message, cancellationToken))
            {
                log.Warning("Weekly summary for {Start:u} – {End:u}: no channel took it; tried again after the next pass", period.Start, period.End);
                return;
            }

            await summaries.RecordSentAsync(period.End, now, cancellationToken);
            log.Information("Weekly summary for {Start:u} – {End:u} sent", period.Start, period.End);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>The newest complete period: from the fire time before the last one up to the last one (in the expression's time zone).</summary>
    internal static (DateTimeOffset Start, DateTimeOffset End)? LastPeriod(CronExpression cron, DateTimeOffset now)
    {
        foreach (var window in new[] { TimeSpan.FromHours(1), TimeSpan.FromDays(32) })
        {
            DateTimeOffset? previous = null;
            DateTimeOffset? last = null;
            for (var t = now - window; cron.GetNextValidTimeAfter(t) is { } next && next <= now; t = next)
            {
                previous = last;
                last = next;
            }

            if (previous is { } start && last is { } end)
            {
                return (start, end);
            }
        }

        return null;
    }
}
