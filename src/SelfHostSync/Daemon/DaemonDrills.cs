using Microsoft.Extensions.Hosting;
using SelfHostSync.Configuration;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Drills;
using Serilog;

namespace SelfHostSync.Daemon;

/// <summary>
/// Restore drills inside the daemon: the start-up sweep (a drill a crash interrupted is closed and its scratch guest
/// removed), scheduled drills, drills asked for through the control API; one drill run at a time, a pass afterwards
/// so the tags show the new evidence.
/// </summary>
internal sealed class DaemonDrills(AppConfig config, SyncCoordinator coordinator, ILogger log, DrillService? service = null)
    : IHostedService,
        IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task _current = Task.CompletedTask;
    private Task _sweep = Task.CompletedTask;

    public bool Configured => config.Drills is not null;

    public bool Running
    {
        get
        {
            lock (_gate)
            {
                return !_current.IsCompleted || !_sweep.IsCompleted;
            }
        }
    }

    private DrillService Service => service ?? throw new InvalidOperationException("RestoreDrills is not configured");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Whenever drills are configured (scheduled or not): a drill asked for through the API may have been interrupted.
        if (config.Drills is not null)
        {
            // In the background: the control API and the first pass do not wait for the cluster.
            _sweep = Task.Run(() => SweepAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>Starts a drill run (one guest, or the next ones in drill order) unless one is running; false when busy.</summary>
    public bool TryStart(GuestKey? guest, string trigger)
    {
        if (config.Drills is null)
        {
            return false;
        }

        lock (_gate)
        {
            if (!_current.IsCompleted || !_sweep.IsCompleted)
            {
                return false;
            }

            _current = Task.Run(() => RunAsync(guest, trigger, _stopping.Token), CancellationToken.None);
            return true;
        }
    }

    /// <summary>The scheduled run: waits for it to end.</summary>
    public async Task RunScheduledAsync(CancellationToken cancellationToken)
    {
        if (TryStart(null, "schedule"))
        {
            Task current;
            lock (_gate)
            {
                current = _current;
            }

            await current.WaitAsync(cancellationToken);
        }
        else
        {
            log.Information("Scheduled restore drill skipped: a drill is already running");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            // The drill cleans up its scratch guest on its own token, bounded by CleanupTimeout.
            await Task.WhenAll(_current, _sweep).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout won; the next start sweeps.
        }
    }

    public void Dispose()
    {
        // A cleanup that outlived the host's shutdown budget runs on until the process ends (DrillService and its client are
        // not disposed under it); if it does not finish, its record stays unfinished and the next start sweeps it.
        if (_current.IsCompleted && _sweep.IsCompleted)
        {
            _stopping.Dispose();
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var held = Service.TryLock();
            if (held is null)
            {
                log.Information("Restore drill start-up sweep skipped: another SelfHostSync process is running a drill");
                return;
            }

            await Service.SweepAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.Warning("Restore drill start-up sweep failed: {Error}; retried before the next drill", ex.Message);
        }
    }

    private async Task RunAsync(GuestKey? guest, string trigger, CancellationToken cancellationToken)
    {
        try
        {
            log.Information("Restore drill requested by {Trigger}", trigger);
            using var held = Service.TryLock() ?? throw new DrillRefusedException("another SelfHostSync process is running a drill");
            await Service.SweepAsync(cancellationToken);
            var plan = await Service.PlanAsync(guest, coordinator.Last, cancellationToken);
            if (plan.Items.Count == 0)
            {
                log.Warning("Restore drill: nothing to drill ({Reasons})", string.Join("; ", plan.Skipped));
                return;
            }

            await Service.RunAsync(plan, cancellationToken);
            coordinator.Request("drill");
        }
        catch (DrillRefusedException ex)
        {
            log.Warning("Restore drill refused: {Reason}", ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            log.Error("Restore drill could not run: {Error}", ex.Message);
        }
    }
}
