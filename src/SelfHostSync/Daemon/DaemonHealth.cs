using SelfHostSync.Core.Text;

namespace SelfHostSync.Daemon;

/// <summary>
/// What <c>/healthz</c> answers from: the loop crashed, the last completed pass is older than twice the schedule's
/// interval (plus a pass's own budget), or the pass running now has run past its deadline. A daemon that is up but
/// no longer passes is unhealthy, whatever its last report said.
/// </summary>
internal sealed class DaemonHealth(string schedule, TimeSpan sourceTimeout, TimeZoneInfo? zone = null)
{
    /// <summary>Collecting may take <c>SourceTimeout</c>; assessing and writing tags get this much more.</summary>
    private static readonly TimeSpan WriteBudget = TimeSpan.FromMinutes(10);

    public bool Crashed { get; set; }

    /// <summary>When the newest pass completed (degraded or not).</summary>
    public DateTimeOffset? LastPass { get; set; }

    /// <summary>When the pass running now started; null between passes.</summary>
    public DateTimeOffset? RunningSince { get; set; }

    /// <summary>When the daemon started: before its first pass completes, staleness counts from here.</summary>
    public DateTimeOffset StartedAt { get; init; }

    public TimeSpan PassDeadline => sourceTimeout + WriteBudget;

    /// <summary>Why the daemon is unhealthy at <paramref name="now"/>, or null.</summary>
    public string? Problem(DateTimeOffset now)
    {
        if (Crashed)
        {
            return "the sync loop stopped";
        }

        if (RunningSince is { } since && now - since > PassDeadline)
        {
            return $"the running pass started {Durations.Format(now - since)} ago, past its deadline of {Durations.Format(PassDeadline)}";
        }

        var allowed = (2 * Interval(now)) + PassDeadline;
        var last = LastPass ?? StartedAt;
        return now - last > allowed
            ? $"no pass completed for {Durations.Format(now - last)} (expected at least every {Durations.Format(allowed)})"
            : null;
    }

    /// <summary>The schedule's interval: the gap between its next two firings.</summary>
    private TimeSpan Interval(DateTimeOffset now)
    {
        var cron = Scheduling.Cron.In(schedule, zone ?? TimeZoneInfo.Local);
        var first = cron.GetNextValidTimeAfter(now);
        var second = first is { } f ? cron.GetNextValidTimeAfter(f) : null;
        return first is { } a && second is { } b ? b - a : TimeSpan.FromDays(1);
    }
}
