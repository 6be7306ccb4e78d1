using Microsoft.Extensions.Hosting;
using SelfHostSync.Configuration;
using SelfHostSync.Core.Sync;
using SelfHostSync.Daemon.Settings;
using SelfHostSync.Notifications;
using SelfHostSync.Passes;
using SelfHostSync.State;
using Serilog;

namespace SelfHostSync.Daemon;

/// <summary>
/// One pass at a time (DESIGN §8.5). Requests from the schedule, the control API and start-up queue a pass; while one
/// is queued, further requests join it (they coalesce); a request during a running pass queues exactly one more,
/// because the running pass may already have read what the requester just changed. After each pass: notifications
/// and retention. An unexpected failure of the loop itself stops the daemon with a non-zero exit.
/// </summary>
internal sealed class SyncCoordinator(
    PassRunner runner,
    RunStore store,
    Notifier notifier,
    WeeklySummary summary,
    DaemonSettings settings,
    DaemonHealth health,
    IdleMemory idle,
    IEnumerable<IPassAudience> audiences,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger log
) : BackgroundService
{
    private const int MaxConsecutiveFailures = 3;
    private const int RememberedFailures = 16;
    private static readonly TimeSpan CoalesceWindow = TimeSpan.FromMilliseconds(250);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0);
    private SyncTicket? _queued;
    private SyncTicket? _running;
    private readonly Queue<SyncTicket> _failed = new();
    private readonly TaskCompletionSource<SyncTicket> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The pass the daemon starts with (the demo waits for it).</summary>
    public Task<SyncTicket> FirstPass => _first.Task;

    /// <summary>The newest finished report (from the store at start-up).</summary>
    public RunReport? Last { get; private set; }

    public SyncProgress? Progress { get; private set; }

    public SyncTicket Request(string trigger)
    {
        lock (_gate)
        {
            if (_queued is { } joined)
            {
                return joined;
            }

            _queued = new SyncTicket(Guid.CreateVersion7(time.GetUtcNow()).ToString(), trigger, time.GetUtcNow());
            _signal.Release();
            log.Debug("Pass {RunId} queued by {Trigger}", _queued.RunId, trigger);
            return _queued;
        }
    }

    /// <summary>"queued" or "running" for a pass not finished yet; null when it is not in flight.</summary>
    public string? StateOf(string runId)
    {
        lock (_gate)
        {
            return _queued?.RunId == runId ? "queued"
                : _running?.RunId == runId ? "running"
                : null;
        }
    }

    /// <summary>
    /// Why a recent pass failed, for <c>GET /api/runs/{id}</c>: a pass that failed because the state store did not
    /// answer may have no row there to read.
    /// </summary>
    public string? FailureOf(string runId)
    {
        lock (_gate)
        {
            return _failed.FirstOrDefault(t => t.RunId == runId)?.Error;
        }
    }

    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _running is not null;
            }
        }
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        try
        {
            Last = await store.LastRunAsync(stoppingToken);
            if (Last is { DryRun: false } last)
            {
                // What the audiences show until the first pass of this process is done.
                Show(last);
            }

            // Only while no pass runs anywhere (a `sync` by hand holds the lock): then an unfinished run is a dead one.
            using (var passLock = StateLock.TryAcquire(runner.StateDirectory, PassRunner.PassLockName))
            {
                if (passLock is not null && await store.AbortStaleRunsAsync(stoppingToken) is > 0 and var stale)
                {
                    log.Warning("{Runs} pass(es) of a previous process never finished; marked aborted", stale);
                }
            }

            _first.TrySetResult(Request("start"));
            while (!stoppingToken.IsCancellationRequested)
            {
                await _signal.WaitAsync(stoppingToken);

                // Requests that arrive together (a burst of clicks, the schedule and a resync) share one pass.
                await Task.Delay(CoalesceWindow, time, stoppingToken);
                SyncTicket ticket;
                lock (_gate)
                {
                    ticket = _queued!;
                    _queued = null;
                    _running = ticket;
                }

                try
                {
                    idle.PassStarting();
                    var ok = await RunAsync(ticket, stoppingToken);
                    failures = ok ? 0 : failures + 1;
                    await idle.PassFinishedAsync(stoppingToken);
                    if (failures >= MaxConsecutiveFailures)
                    {
                        throw new InvalidOperationException($"{failures} passes in a row failed; last: {ticket.Error}");
                    }
                }
                finally
                {
                    lock (_gate)
                    {
                        _running = null;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            log.Information("Stopping: no new pass will start");
        }
        catch (Exception ex)
        {
            log.Fatal("The sync loop failed and the daemon stops: {Error}", ex.Message);
            health.Crashed = true;
            lifetime.StopApplication();
        }
        finally
        {
            lock (_gate)
            {
                _queued?.Fail("daemon stopping");
            }
        }
    }

    private void Show(RunReport report)
    {
        foreach (var audience in audiences)
        {
            audience.Show(report);
        }
    }

    private async Task TryEndRunAsync(string runId)
    {
        try
        {
            await store.EndRunAsync(runId, "failed", CancellationToken.None);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            log.Warning("Could not mark pass {RunId} as failed: {Error}", runId, ex.Message);
        }
    }

    private async Task<bool> RunAsync(SyncTicket ticket, CancellationToken stoppingToken)
    {
        try
        {
            var progress = new InlineProgress(p => Progress = p);
            health.RunningSince = time.GetUtcNow();
            var report = await runner.RunAsync(dryRun: false, progress, stoppingToken, ticket.RunId, waitForLock: true);
            Last = report;
            health.LastPass = report.FinishedAt;
            health.RunningSince = null;
            Progress = null;
            lock (_gate)
            {
                // The pass is over (notifications and retention are not part of it): the dashboard stops saying "running".
                _running = null;
            }

            ticket.Complete(report);
            Show(report);
            await notifier.AfterPassAsync(report, stoppingToken);
            try
            {
                await summary.SendDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The pass is done and recorded; the summary is tried again after the next one.
                log.Warning("Weekly summary could not be sent: {Error}", ex.Message);
            }
            var pruned = await store.PruneAsync(time.GetUtcNow() - settings.Retention, stoppingToken);
            if (pruned > 0)
            {
                log.Debug("Retention: removed {Rows} rows older than {Days} days", pruned, (int)settings.Retention.TotalDays);
            }

            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Progress = null;
            health.RunningSince = null;
            ticket.Fail("daemon stopping");
            await store.EndRunAsync(ticket.RunId, "aborted", CancellationToken.None);
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Progress = null;
            health.RunningSince = null;
            ticket.Fail(ex.Message);
            lock (_gate)
            {
                _failed.Enqueue(ticket);
                if (_failed.Count > RememberedFailures)
                {
                    _failed.Dequeue();
                }
            }

            await TryEndRunAsync(ticket.RunId);
            log.Error("Pass {RunId} failed: {Error}", ticket.RunId, ex.Message);
            return false;
        }
    }
}

/// <summary>Reports progress on the reporting thread (the default Progress posts to the pool and can arrive late).</summary>
internal sealed class InlineProgress(Action<SyncProgress> report) : IProgress<SyncProgress>
{
    public void Report(SyncProgress value) => report(value);
}
