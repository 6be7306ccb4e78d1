using Microsoft.Extensions.Hosting;
using SelfHostSync.Core.Sync;
using Serilog;

namespace SelfHostSync.Daemon;

/// <summary>
/// Runs each configured audience of the passes (Home Assistant) beside the daemon: its connection lives as long as the
/// daemon, and its failure ends only itself. <see cref="SyncCoordinator"/> hands each finished pass over.
/// </summary>
internal sealed class PassAudiences(IEnumerable<IPassAudience> audiences, ILogger log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(audiences.Select(a => RunAsync(a, stoppingToken)));

    private async Task RunAsync(IPassAudience audience, CancellationToken stoppingToken)
    {
        try
        {
            await audience.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            log.Error("{Audience} stopped and shows no further pass: {Error}", audience.GetType().Name, ex.Message);
        }
    }
}
