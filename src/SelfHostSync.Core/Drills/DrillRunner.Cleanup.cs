namespace SelfHostSync.Core.Drills;

/// <summary>Removing scratch guests: after every drill, and at start-up for drills a crash interrupted.</summary>
public sealed partial class DrillRunner
{
    /// <summary>
    /// Closes drills that never finished (stopping their restore task) and removes every drill-tagged guest in the
    /// range. Drills younger than <see cref="DrillSettings.Timeout"/> plus cleanup time may still be running in another
    /// process; they are left alone unless <paramref name="startup"/> says this process is the only one that drills.
    /// </summary>
    public async Task<DrillSweep> SweepAsync(bool startup, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var live = new HashSet<int>();
        var interrupted = 0;
        foreach (var drill in await store.UnfinishedDrillsAsync(cancellationToken))
        {
            if (!startup && time.GetUtcNow() - drill.StartedAt < settings.Timeout + settings.CleanupTimeout)
            {
                live.Add(drill.ScratchVmid);
                continue;
            }

            var (cleaned, problem) = await CleanUpAsync(drill);
            if (problem is not null)
            {
                problems.Add(problem);
            }

            await store.FinishDrillAsync(
                drill with
                {
                    State = DrillState.Aborted,
                    FinishedAt = time.GetUtcNow(),
                    CleanedUp = cleaned,
                    Reason = $"interrupted in phase {drill.Phase}: SelfHostSync stopped before the drill finished",
                },
                null,
                cancellationToken);
            interrupted++;
        }

        var guests = await cluster.GuestsAsync(cancellationToken);
        var leftovers = guests.Where(g => settings.Range.Contains(g.Vmid) && g.IsDrillGuest && !live.Contains(g.Vmid)).ToList();
        var removed = await RemoveLeftoversAsync(leftovers, problems, cancellationToken);
        foreach (var g in guests.Where(g => settings.Range.Contains(g.Vmid) && !g.IsDrillGuest))
        {
            problems.Add($"VMID {g.Vmid} in the drill range {settings.Range} is not a drill guest; left alone, and drills refuse to run until it moves");
        }

        return new DrillSweep(interrupted, removed, problems);
    }

    private async Task<List<int>> RemoveLeftoversAsync(IReadOnlyList<ClusterGuest> leftovers, List<string> problems, CancellationToken cancellationToken)
    {
        var removed = new List<int>();
        foreach (var guest in leftovers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var problem = await RemoveAsync(guest, createdByUs: false);
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

    /// <summary>Stops a restore still running and removes the scratch guest if it exists. Never throws.</summary>
    private async Task<(bool Cleaned, string? Problem)> CleanUpAsync(DrillRecord drill)
    {
        using var cts = new CancellationTokenSource(settings.CleanupTimeout, time);
        try
        {
            if (drill.RestoreUpid is { } upid && (await cluster.TaskAsync(drill.Node, upid, cts.Token)).State == DrillTaskState.Running)
            {
                await cluster.StopTaskAsync(drill.Node, upid, cts.Token);
                await WaitAsync(drill.Node, upid, cts.Token);
            }

            var guest = (await cluster.GuestsAsync(cts.Token)).FirstOrDefault(g => g.Vmid == drill.ScratchVmid);
            if (guest is null)
            {
                return (true, null);
            }

            var problem = await RemoveAsync(guest, createdByUs: drill.RestoreUpid is not null);
            return (problem is null, problem);
        }
        catch (Exception ex)
        {
            return (false, $"scratch guest {drill.ScratchVmid} not removed ({ex.Message}); removed at the next start");
        }
    }

    /// <summary>
    /// Stops and destroys one scratch guest, after checking again that it is in the range and carries the tag. PVE
    /// writes a restored config (and so the tag) only once the data is restored; a restore that failed or was stopped
    /// leaves a stub (<c>lock: create</c>, no name) without it. Such a stub is removed only when our own restore task
    /// created it (<paramref name="createdByUs"/>: PVE returned that task for a VMID that was free).
    /// </summary>
    private async Task<string?> RemoveAsync(ClusterGuest guest, bool createdByUs)
    {
        if (!settings.Range.Contains(guest.Vmid))
        {
            return $"VMID {guest.Vmid} is outside the drill range {settings.Range}; never touched";
        }

        using var cts = new CancellationTokenSource(settings.CleanupTimeout, time);
        try
        {
            var config = await cluster.ReadConfigAsync(guest.Node, guest.Type, guest.Vmid, cts.Token);
            if (!config.IsDrillGuest && !(createdByUs && IsRestoreStub(config)))
            {
                return $"guest {guest.Vmid} has no '{DrillSettings.Tag}' tag; left alone";
            }

            if (await cluster.StatusAsync(guest.Node, guest.Type, guest.Vmid, cts.Token) != "stopped")
            {
                var stopped = await WaitAsync(guest.Node, await cluster.StopAsync(guest.Node, guest.Type, guest.Vmid, cts.Token), cts.Token);
                if (stopped.State == DrillTaskState.Failed)
                {
                    return $"scratch guest {guest.Vmid} did not stop ({stopped.Detail}); removed at the next start";
                }
            }

            var destroyed = await WaitAsync(guest.Node, await cluster.DestroyAsync(guest.Node, guest.Type, guest.Vmid, cts.Token), cts.Token);
            return destroyed.State == DrillTaskState.Ok ? null : $"scratch guest {guest.Vmid} not destroyed ({destroyed.Detail}); removed at the next start";
        }
        catch (Exception ex)
        {
            return $"scratch guest {guest.Vmid} not removed ({(ex is OperationCanceledException ? "timed out" : ex.Message)}); removed at the next start";
        }
    }

    private static bool IsRestoreStub(ScratchConfig config) =>
        config.Values.GetValueOrDefault("lock") == "create"
        || !(config.Values.ContainsKey("name") || config.Values.ContainsKey("hostname"));
}
