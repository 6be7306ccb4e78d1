using Quartz;

namespace SelfHostSync.Daemon;

/// <summary>The Quartz job behind <c>RestoreDrills.Schedule</c>.</summary>
[DisallowConcurrentExecution]
internal sealed class ScheduledDrillJob(DaemonDrills drills) : IJob
{
    public static readonly JobKey Key = new("drill", "selfhostsync");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await drills.RunScheduledAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the drill cleans up on its own.
        }
    }
}
