using SelfHostSync.Core.Drills;
using SelfHostSync.Notifications;
using SelfHostSync.State;
using Serilog;

namespace SelfHostSync.Drills;

/// <summary>
/// After a failed drill: how many drills of the guest have failed in a row (kept in its record), and one escalated
/// notification when that count reaches <c>EscalateAfter</c>. Only the drill that reaches it sends, so a guest that keeps
/// failing is escalated once, across restarts too, until a passed drill starts a new count.
/// </summary>
internal sealed class DrillEscalation(DrillStore drills, Notifier notifier, int after, TimeProvider time, ILogger log)
{
    public async Task<DrillRecord> AfterAsync(DrillRecord drill, CancellationToken cancellationToken)
    {
        if (drill.State != DrillState.Failed)
        {
            return drill;
        }

        // Errors and interrupted drills sit between failures without breaking the streak: read back far enough.
        var streak = DrillStreak.Of(await drills.RecentDrillsAsync(1000, drill.Guest, cancellationToken));
        var counted = drill with { FailedInRow = Math.Max(1, streak.Count) };
        await drills.UpdateDrillAsync(counted, cancellationToken);
        if (counted.FailedInRow == after)
        {
            log.Warning(
                "Drills of {Cluster}/{Vmid} failed {Count} times in a row: escalating",
                drill.Guest.Cluster,
                drill.Guest.Vmid,
                counted.FailedInRow
            );
            // A channel that is down gets it after a later pass: an escalation must arrive.
            await notifier.SendOrKeepAsync(EscalationMessage.Of(streak, time.GetUtcNow()), cancellationToken);
        }

        return counted;
    }
}
