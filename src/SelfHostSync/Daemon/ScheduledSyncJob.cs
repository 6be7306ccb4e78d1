using Quartz;

namespace SelfHostSync.Daemon;

/// <summary>The Quartz job behind <c>Schedule</c>: asks the coordinator for a pass and waits for it.</summary>
[DisallowConcurrentExecution]
internal sealed class ScheduledSyncJob(SyncCoordinator coordinator) : IJob
{
    public static readonly JobKey Key = new("sync", "selfhostsync");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var ticket = coordinator.Request("schedule");
        try
        {
            await ticket.Completion.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the coordinator finishes the write in flight on its own.
        }
    }
}
