using SelfHostSync.Core.Evidence;

namespace SelfHostSync.Core.Drills;

/// <summary>
/// Restore drills: plan (which guest, which backup, which scratch VMID), then per drill restore → isolate → start →
/// probe, and always stop and destroy the scratch guest, whatever happened. Results become the strongest restore
/// evidence (<see cref="RestoreTestKind.Drill"/>).
/// </summary>
public sealed class DrillRunner(IDrillCluster cluster, IDrillStore store, DrillSettings settings, TimeProvider time)
{
    private readonly DrillWaits _waits = new(cluster, settings, time);
    private readonly ApplicationProbes _probes = new(cluster, settings, time);
    private readonly DrillPlanner _planner = new(cluster, settings, time);
    private readonly ScratchCleanup _cleanup = new(cluster, store, settings, time, new DrillWaits(cluster, settings, time));

    /// <summary>
    /// Closes drills that never finished (stopping their restore task), retries the cleanup of drills that left their
    /// scratch guest behind, and removes every drill-tagged guest in the range. The caller holds the drill lock, so no
    /// drill is running anywhere: every unfinished record belongs to a process that is gone.
    /// </summary>
    public Task<DrillSweep> SweepAsync(CancellationToken cancellationToken) => _cleanup.SweepAsync(cancellationToken);

    /// <summary>
    /// Chooses up to <paramref name="count"/> drills from <paramref name="ordered"/> candidates (<see cref="DrillPlanner"/>).
    /// </summary>
    public Task<DrillPlan> PlanAsync(IReadOnlyList<DrillCandidate> ordered, int count, bool explicitGuest, CancellationToken cancellationToken) =>
        _planner.PlanAsync(ordered, count, explicitGuest, cancellationToken);

    /// <summary>Runs the plan, at most <see cref="DrillSettings.MaxParallel"/> drills at a time (callers sweep first, holding the drill lock).</summary>
    public async Task<IReadOnlyList<DrillRecord>> RunAsync(DrillPlan plan, Action<DrillRecord>? observe, CancellationToken cancellationToken)
    {
        var results = new DrillRecord[plan.Items.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, plan.Items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = settings.MaxParallel, CancellationToken = CancellationToken.None },
            async (i, _) => results[i] = await RunOneAsync(plan.Items[i], observe, cancellationToken)
        );
        return results;
    }

    private async Task<DrillRecord> RunOneAsync(DrillPlanItem item, Action<DrillRecord>? observe, CancellationToken cancellationToken)
    {
        var tracker = new DrillTracker(
            new DrillRecord
            {
                Id = Guid.CreateVersion7(time.GetUtcNow()).ToString(),
                Guest = item.Candidate.Key,
                GuestName = item.Source.Name,
                Type = item.Source.Type,
                Node = settings.Node,
                ScratchVmid = item.ScratchVmid,
                Archive = item.Archive.Volid,
                BackupTime = item.Archive.Time,
                StartedAt = time.GetUtcNow(),
            },
            observe
        );
        await store.BeginDrillAsync(tracker.Current, cancellationToken);
        tracker.Report();

        using var deadline = new CancellationTokenSource(settings.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await DrillAsync(tracker, item, linked.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            tracker.Current = tracker.Current with
            {
                State = DrillState.Aborted,
                Reason = $"cancelled in phase {tracker.Current.Phase} (SelfHostSync is stopping)",
            };
        }
        catch (Exception) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A restore that never ends or a guest that never answers speaks against the backup; a stuck config write or start does not.
            var phase = tracker.Current.Phase;
            tracker.Current = tracker.Current with
            {
                State = phase is "restore" or "probe" or "app-probe" ? DrillState.Failed : DrillState.Error,
                Reason = _waits.TimeoutReason(phase),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            tracker.Current = tracker.Current with { State = DrillState.Error, Reason = $"{tracker.Current.Phase}: {ex.Message}" };
        }

        var (cleaned, problem) = await _cleanup.CleanUpAsync(tracker.Current, fresh: true);
        var done = tracker.Current with
        {
            FinishedAt = time.GetUtcNow(),
            CleanedUp = cleaned,
            Reason = (problem is null ? tracker.Current.Reason : Join(tracker.Current.Reason, problem)) is { } reason
                ? settings.Redact(reason)
                : null,
        };
        var evidence = done.State is DrillState.Passed or DrillState.Failed
            ? new RestoreTest(
                $"drill:{done.Id}",
                done.Guest,
                RestoreTestKind.Drill,
                done.FinishedAt!.Value,
                done.State == DrillState.Passed,
                done.Archive,
                done.Target,
                done.EvidenceNote
            )
            : null;
        await store.FinishDrillAsync(done, evidence, CancellationToken.None);
        tracker.Current = done;
        tracker.Report();
        return done;
    }

    private async Task DrillAsync(DrillTracker tracker, DrillPlanItem item, CancellationToken token)
    {
        var node = settings.Node;
        var type = item.Source.Type;
        var vmid = item.ScratchVmid;
        var restoreStart = time.GetTimestamp();

        // Not cancellable: once PVE may have accepted the restore, we must know its task (and so that the stub is ours).
        var upid = await cluster.RestoreAsync(
            new RestoreRequest(node, type, vmid, item.Archive.Volid, settings.TargetStorage, item.ScratchName),
            CancellationToken.None
        );
        tracker.Current = tracker.Current with { RestoreUpid = upid };
        await store.UpdateDrillAsync(tracker.Current, CancellationToken.None);

        var restored = await _waits.WaitAsync(node, upid, token);
        tracker.Current = tracker.Current with { RestoreSeconds = Seconds(restoreStart) };
        if (restored.State != DrillTaskState.Ok)
        {
            tracker.Current = tracker.Current with { State = DrillFailures.StateOf(restored.Detail), Reason = $"restore failed: {restored.Detail}" };
            return;
        }

        await tracker.PhaseAsync("isolate", store);
        var config = await cluster.ReadConfigAsync(node, type, vmid, token);
        if (!config.IsDrillGuest)
        {
            throw new InvalidOperationException($"restored guest {vmid} does not carry the '{DrillSettings.Tag}' tag; not starting it");
        }

        if (IsolationPlanner.Unisolatable(config.Values) is { } raw)
        {
            throw new InvalidOperationException(
                $"restored guest {vmid} has {raw}, which the API cannot remove; not starting it (drill this guest with a root@pam token after removing it, or exclude it)"
            );
        }

        var change = IsolationPlanner.Plan(config.Values, type, settings.Isolation);
        if (!change.IsEmpty)
        {
            await cluster.WriteConfigAsync(node, type, vmid, change, config.Digest, token);
            var check = await cluster.ReadConfigAsync(node, type, vmid, token);
            if (!IsolationPlanner.IsIsolated(check.Values, type, settings.Isolation))
            {
                throw new InvalidOperationException($"isolation of {vmid} did not take effect; not starting it");
            }
        }

        await tracker.PhaseAsync("start", store);
        var bootStart = time.GetTimestamp();
        var started = await _waits.WaitAsync(node, await cluster.StartAsync(node, type, vmid, token), token);
        if (started.State != DrillTaskState.Ok)
        {
            tracker.Current = tracker.Current with { State = DrillFailures.StateOf(started.Detail), Reason = $"did not start: {started.Detail}" };
            return;
        }

        await tracker.PhaseAsync("probe", store);
        var agent = type == "qemu" && settings.Probe == DrillProbe.Agent && IsolationPlanner.AgentEnabled(config.Values);
        var (ok, detail) = agent ? await _waits.AgentProbeAsync(node, type, vmid, token) : await _waits.StillRunningAsync(node, type, vmid, token);

        // Without an agent the guest counts as up when its start task ended; the fixed wait is not boot time.
        var boot = agent ? Seconds(bootStart) : Math.Round(time.GetElapsedTime(bootStart).TotalSeconds - settings.RunningTime.TotalSeconds, 1);
        var reason = type == "qemu" && settings.Probe == DrillProbe.Agent && !agent ? $"no guest agent enabled; {detail}" : detail;
        tracker.Current = tracker.Current with { BootSeconds = Math.Max(0, boot) };
        (IReadOnlyList<ProbeOutcome> Outcomes, string? Failure) app = ([], null);
        if (ok && settings.ApplicationProbes.Any(p => p.AppliesTo(item.Source)))
        {
            // After the boot probe, inside the still isolated guest: does the service come up from this backup?
            await tracker.PhaseAsync("app-probe", store);
            app = await _probes.RunAsync(
                item.Source,
                node,
                vmid,
                type == "qemu" && IsolationPlanner.AgentEnabled(config.Values),
                outcomes => tracker.Current = tracker.Current with { Probes = outcomes },
                token
            );
        }

        tracker.Current = tracker.Current with
        {
            State = ok && app.Failure is null ? DrillState.Passed : DrillState.Failed,
            Reason = app.Failure ?? reason,
            Probes = app.Outcomes,
            Phase = "done",
        };
    }

    private static string Join(string? a, string b) => string.IsNullOrEmpty(a) ? b : $"{a}; {b}";

    private double Seconds(long since) => Math.Round(time.GetElapsedTime(since).TotalSeconds, 1);
}
