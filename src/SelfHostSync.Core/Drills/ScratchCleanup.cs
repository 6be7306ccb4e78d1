namespace SelfHostSync.Core.Drills;

/// <summary>Removing scratch guests: after every drill, and in the sweep for drills a crash interrupted or a cleanup missed.</summary>
internal sealed class ScratchCleanup(IDrillCluster cluster, IDrillStore store, DrillSettings settings, TimeProvider time, DrillWaits waits)
{
    /// <summary>
    /// Closes drills that never finished (stopping their restore task), retries the cleanup of drills that left their
    /// scratch guest behind, and removes every drill-tagged guest in the range. The caller holds the drill lock, so no
    /// drill is running anywhere: every unfinished record belongs to a process that is gone.
    /// </summary>
    public async Task<DrillSweep> SweepAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var interrupted = 0;
        foreach (var drill in await store.UnfinishedDrillsAsync(cancellationToken))
        {
            var (cleaned, problem) = await CleanUpAsync(drill, fresh: false);
            if (problem is not null)
            {
                problems.Add(problem);
            }

            var running = drill.State == DrillState.Running;
            interrupted += running ? 1 : 0;
            await store.FinishDrillAsync(
                drill with
                {
                    State = running ? DrillState.Aborted : drill.State,
                    FinishedAt = drill.FinishedAt ?? time.GetUtcNow(),
                    CleanedUp = cleaned,
                    Reason = running ? $"interrupted in phase {drill.Phase}: SelfHostSync stopped before the drill finished" : drill.Reason,
                },
                null,
                cancellationToken
            );
        }

        var guests = await cluster.GuestsAsync(cancellationToken);
        var leftovers = guests.Where(g => settings.Range.Contains(g.Vmid) && g.IsDrillGuest).ToList();
        var removed = await RemoveLeftoversAsync(leftovers, problems, cancellationToken);
        foreach (var g in guests.Where(g => settings.Range.Contains(g.Vmid) && !g.IsDrillGuest && !removed.Contains(g.Vmid)))
        {
            problems.Add(
                $"VMID {g.Vmid} in the drill range {settings.Range} is not a drill guest; left alone, and drills refuse to run until it moves"
            );
        }

        return new DrillSweep(interrupted, removed, problems);
    }

    private async Task<List<int>> RemoveLeftoversAsync(
        IReadOnlyList<ClusterGuest> leftovers,
        List<string> problems,
        CancellationToken cancellationToken
    )
    {
        var removed = new List<int>();
        foreach (var guest in leftovers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var budget = new CancellationTokenSource(settings.CleanupTimeout, time);
            var (problem, _) = await RemoveAsync(guest, createdByUs: false, budget.Token);
            if (problem is null)
            {
                removed.Add(guest.Vmid);
            }
            else
            {
                problems.Add(problem);
            }
        }

        return removed;
    }

    /// <summary>
    /// Stops a restore still running and removes the scratch guest if this drill created it. A drill without a restore
    /// task never created anything (PVE refused or the request never went out): nothing at its VMID is touched.
    /// One budget (<see cref="DrillSettings.CleanupTimeout"/>) for all of it. Never throws.
    /// </summary>
    /// <param name="drill">The drill whose scratch guest goes.</param>
    /// <param name="fresh">
    /// Right after the drill (same process), or its restore task was still running when found: an untagged restore stub
    /// at the VMID is ours. Otherwise (a record left from an earlier run) time has passed in which anyone may have
    /// removed the stub and created a guest of their own there, so only the drill tag proves ownership (decision 010).
    /// </param>
    public async Task<(bool Cleaned, string? Problem)> CleanUpAsync(DrillRecord drill, bool fresh)
    {
        if (drill.RestoreUpid is not { } upid)
        {
            return (true, null);
        }

        using var budget = new CancellationTokenSource(settings.CleanupTimeout, time);
        try
        {
            if ((await cluster.TaskAsync(drill.Node, upid, budget.Token)).State == DrillTaskState.Running)
            {
                fresh = true;
                await cluster.StopTaskAsync(drill.Node, upid, budget.Token);
                await waits.WaitAsync(drill.Node, upid, budget.Token);
            }

            var guest = (await cluster.GuestsAsync(budget.Token)).FirstOrDefault(g => g.Vmid == drill.ScratchVmid);
            if (guest is null)
            {
                return (true, null);
            }

            var (problem, notOurs) = await RemoveAsync(guest, createdByUs: fresh, budget.Token);
            if (notOurs && !fresh)
            {
                // Nothing proves the guest there is the stub of this old drill: close the record, touch nothing, say so.
                return (
                    true,
                    $"VMID {drill.ScratchVmid} holds a guest without the '{DrillSettings.Tag}' tag, and nothing proves it is the stub this drill's restore left on {drill.StartedAt:yyyy-MM-dd HH:mm} UTC: left alone and the drill closed; if it is that stub, remove it by hand ({(drill.Type == "lxc" ? "pct" : "qm")} destroy {drill.ScratchVmid} --purge)"
                );
            }

            return (problem is null, problem);
        }
        catch (Exception ex)
        {
            return (
                false,
                $"scratch guest {drill.ScratchVmid} not removed ({(ex is OperationCanceledException ? "cleanup timed out" : ex.Message)}); retried at the next sweep"
            );
        }
    }

    /// <summary>
    /// Stops and destroys one scratch guest, after checking again that it is in the range and carries the tag. PVE
    /// writes a restored config (and so the tag) only once the data is restored; a restore that failed or was stopped
    /// leaves a stub (<c>lock: create</c>, no name) without it. Such a stub is removed only when our own restore task
    /// created it (<paramref name="createdByUs"/>: PVE returned that task for a VMID that was free). Decision 005.
    /// </summary>
    /// <returns>Why the guest is still there (null: removed), and whether that is because it is not ours to remove.</returns>
    private async Task<(string? Problem, bool NotOurs)> RemoveAsync(ClusterGuest guest, bool createdByUs, CancellationToken budget)
    {
        if (!settings.Range.Contains(guest.Vmid))
        {
            return ($"VMID {guest.Vmid} is outside the drill range {settings.Range}; never touched", false);
        }

        try
        {
            var config = await cluster.ReadConfigAsync(guest.Node, guest.Type, guest.Vmid, budget);
            if (!config.IsDrillGuest && !(createdByUs && IsRestoreStub(config)))
            {
                return ($"guest {guest.Vmid} has no '{DrillSettings.Tag}' tag; left alone", true);
            }

            if (config.Values.GetValueOrDefault("lock") is { Length: > 0 } held)
            {
                return (
                    $"scratch guest {guest.Vmid} is locked ({held}) after its restore was stopped; remove it by hand: qm unlock {guest.Vmid} && qm destroy {guest.Vmid} --purge (retried at the next sweep)",
                    false
                );
            }

            if (await cluster.StatusAsync(guest.Node, guest.Type, guest.Vmid, budget) != "stopped")
            {
                var stopped = await waits.WaitAsync(guest.Node, await cluster.StopAsync(guest.Node, guest.Type, guest.Vmid, budget), budget);
                if (stopped.State == DrillTaskState.Failed)
                {
                    return ($"scratch guest {guest.Vmid} did not stop ({stopped.Detail}); retried at the next sweep", false);
                }
            }

            var destroyed = await waits.WaitAsync(guest.Node, await cluster.DestroyAsync(guest.Node, guest.Type, guest.Vmid, budget), budget);
            return (
                destroyed.State == DrillTaskState.Ok
                    ? null
                    : $"scratch guest {guest.Vmid} not destroyed ({destroyed.Detail}); retried at the next sweep",
                false
            );
        }
        catch (Exception ex)
        {
            return (
                $"scratch guest {guest.Vmid} not removed ({(ex is OperationCanceledException ? "timed out" : ex.Message)}); retried at the next sweep",
                false
            );
        }
    }

    private static bool IsRestoreStub(ScratchConfig config) =>
        config.Values.GetValueOrDefault("lock") == "create" || !(config.Values.ContainsKey("name") || config.Values.ContainsKey("hostname"));
}
