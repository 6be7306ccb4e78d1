using SelfHostSync.Configuration;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Notifications;
using SelfHostSync.State;
using Serilog;

namespace SelfHostSync.Drills;

/// <summary>Restore drills of this process: the Core runner over the drill cluster (own token), the cross-process lock, the log.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability",
    "CA1001",
    Justification = "Never disposed: a cleanup that outlives the host's shutdown may still wait on the gate; SemaphoreSlim without its wait handle holds nothing to free."
)]
internal sealed class DrillService
{
    private readonly DrillConfig _config;
    private readonly string _stateDirectory;
    private readonly RunStore _store;
    private readonly ILogger _log;
    private readonly ProvenKeeper? _keeper;
    private readonly DrillEscalation _escalation;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public DrillService(
        DrillConfig config,
        AppConfig app,
        IDrillCluster cluster,
        IBackupProtection protection,
        IProtectionStore protections,
        RunStore store,
        DrillStore drills,
        Notifier notifier,
        TimeProvider time,
        ILogger log
    )
    {
        _config = config;
        _stateDirectory = app.StateDirectory;
        _store = store;
        _log = log;
        Runner = new DrillRunner(cluster, drills, config.Settings, time);
        _keeper = config.Settings.KeepProven > 0 ? new ProvenKeeper(protection, protections, config.Settings.KeepProven, time) : null;
        _escalation = new DrillEscalation(drills, notifier, config.Settings.EscalateAfter, time, log);
    }

    public DrillRunner Runner { get; }

    public DrillSettings Settings => _config.Settings;

    /// <summary>The cross-process drill lock, or null when another process holds it (a drill runs there).</summary>
    public IDisposable? TryLock() => DrillLock.TryAcquire(_stateDirectory);

    /// <summary>Closes interrupted drills and removes leftover scratch guests, logging what it did. Hold <see cref="TryLock"/>.</summary>
    public async Task<DrillSweep> SweepAsync(CancellationToken cancellationToken)
    {
        var sweep = await Runner.SweepAsync(cancellationToken);
        if (sweep.Interrupted > 0)
        {
            _log.Warning("Closed {Count} restore drill(s) interrupted by a stop", sweep.Interrupted);
        }

        foreach (var vmid in sweep.Removed)
        {
            _log.Information("Removed leftover drill guest {Cluster}/{Vmid}", Settings.Cluster, vmid);
        }

        foreach (var problem in sweep.Problems)
        {
            _log.Warning("Restore drills: {Problem}", problem);
        }

        return sweep;
    }

    /// <summary>Plans drills: one for <paramref name="guest"/>, else up to MaxParallel in drill order.</summary>
    public async Task<DrillPlan> PlanAsync(GuestKey? guest, RunReport? report, CancellationToken cancellationToken)
    {
        var known = (report?.Guests ?? []).Select(g => new DrillCandidate(new GuestKey(g.Cluster, g.Vmid), g.Level, g.Name)).ToList();
        if (guest is { } key)
        {
            var candidate = known.FirstOrDefault(c => c.Key == key) ?? new DrillCandidate(key, Level.Production, null);
            return await Runner.PlanAsync([candidate], 1, explicitGuest: true, cancellationToken);
        }

        var ordered = DrillCandidates.Order(known, await _store.LoadRestoreTestsAsync(cancellationToken), Settings);
        if (ordered.Count == 0)
        {
            throw new DrillRefusedException(
                $"nothing to drill: no guest of cluster {Settings.Cluster} at level {string.Join(" or ", Settings.Levels.Select(l => l.ToCode()))} in the last pass"
            );
        }

        return await Runner.PlanAsync(ordered, Settings.MaxParallel, explicitGuest: false, cancellationToken);
    }

    /// <summary>Sweeps, then runs the plan; one drill run at a time in this process.</summary>
    public async Task<IReadOnlyList<DrillRecord>> RunAsync(DrillPlan plan, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            foreach (var skipped in plan.Skipped)
            {
                _log.Information("Drill candidate passed over: {Reason}", skipped);
            }

            var records = await Runner.RunAsync(plan, Observe, cancellationToken);
            var settled = new List<DrillRecord>(records.Count);
            foreach (var record in records)
            {
                // The drill's outcome is stored already: what follows only adds to it.
                await KeepProvenAsync(record, cancellationToken);
                settled.Add(await _escalation.AfterAsync(record, cancellationToken));
            }

            return settled;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary><c>ProtectProven</c>: protects the backup a passed drill proved and releases older ones SelfHostSync protected.</summary>
    private async Task KeepProvenAsync(DrillRecord drill, CancellationToken cancellationToken)
    {
        if (_keeper is null || drill.State != DrillState.Passed)
        {
            return;
        }

        var outcome = await _keeper.KeepAsync(drill, cancellationToken);
        if (outcome.Protected is { } archive)
        {
            _log.Information(
                "Protected the proven backup {Archive} of {Cluster}/{Vmid} from pruning",
                archive,
                drill.Guest.Cluster,
                drill.Guest.Vmid
            );
        }

        foreach (var released in outcome.Released)
        {
            _log.Information(
                "Released the protection of {Archive} of {Cluster}/{Vmid}: newer backups are proven",
                released,
                drill.Guest.Cluster,
                drill.Guest.Vmid
            );
        }

        if (outcome.Note is { } note)
        {
            _log.Information("ProtectProven for {Cluster}/{Vmid}: {Note}", drill.Guest.Cluster, drill.Guest.Vmid, note);
        }

        if (outcome.Problem is { } problem)
        {
            _log.Warning("ProtectProven for {Cluster}/{Vmid}: {Problem}", drill.Guest.Cluster, drill.Guest.Vmid, Settings.Redact(problem));
        }
    }

    private void Observe(DrillRecord d)
    {
        switch (d.State)
        {
            case DrillState.Running:
                _log.Information(
                    "Drill {Cluster}/{Vmid} into {Scratch}: {Phase} ({Archive})",
                    d.Guest.Cluster,
                    d.Guest.Vmid,
                    d.ScratchVmid,
                    d.Phase,
                    d.Archive
                );
                break;
            case DrillState.Passed:
                _log.Information(
                    "Drill {Cluster}/{Vmid} passed: restore {RestoreSeconds} s, boot-to-probe {BootSeconds} s, {Detail}",
                    d.Guest.Cluster,
                    d.Guest.Vmid,
                    d.RestoreSeconds,
                    d.BootSeconds,
                    d.Reason
                );
                break;
            case DrillState.Failed:
                _log.Warning("Drill {Cluster}/{Vmid} FAILED: {Reason}", d.Guest.Cluster, d.Guest.Vmid, d.Reason);
                break;
            case DrillState.Aborted when d.CleanedUp:
                // An operator's stop (systemctl stop, an upgrade) interrupts the drill; its scratch guest is gone.
                _log.Warning("Drill {Cluster}/{Vmid} interrupted ({State}): {Reason}", d.Guest.Cluster, d.Guest.Vmid, d.State, d.Reason);
                break;
            default:
                _log.Error("Drill {Cluster}/{Vmid} could not complete ({State}): {Reason}", d.Guest.Cluster, d.Guest.Vmid, d.State, d.Reason);
                break;
        }
    }
}
