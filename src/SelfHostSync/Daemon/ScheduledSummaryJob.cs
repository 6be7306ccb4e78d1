using Quartz;
using SelfHostSync.Notifications;
using Serilog;

namespace SelfHostSync.Daemon;

/// <summary>The Quartz job behind <c>Notifications.Summary.Schedule</c>: sends the summary of the period that just ended.</summary>
[DisallowConcurrentExecution]
internal sealed class ScheduledSummaryJob(WeeklySummary summary, ILogger log) : IJob
{
    public static readonly JobKey Key = new("summary", "selfhostsync");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await summary.SendDueAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the next start sends it after its first pass.
        }
        catch (Exception ex)
        {
            log.Warning("Weekly summary could not be sent: {Error}; tried again after the next pass", ex.Message);
        }
    }
}
