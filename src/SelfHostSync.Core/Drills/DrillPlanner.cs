using System.Globalization;

namespace SelfHostSync.Core.Drills;

/// <summary>
/// Which drills run: for each candidate in drill order, whether it can be drilled now (cluster, template, a running
/// backup, what the drill token may not restore, a backup the node reaches, room on the target), the newest backup and a
/// free scratch VMID.
/// </summary>
internal sealed class DrillPlanner(IDrillCluster cluster, DrillSettings settings, TimeProvider time)
{
    /// <summary>
    /// Chooses up to <paramref name="count"/> drills from <paramref name="ordered"/> candidates. Refuses when the range
    /// holds a guest without the drill tag, or when <paramref name="explicitGuest"/> is set and that guest cannot be drilled.
    /// </summary>
    public async Task<DrillPlan> PlanAsync(IReadOnlyList<DrillCandidate> ordered, int count, bool explicitGuest, CancellationToken cancellationToken)
    {
        var guests = await cluster.GuestsAsync(cancellationToken);
        var inRange = guests.Where(g => settings.Range.Contains(g.Vmid)).OrderBy(g => g.Vmid).ToList();
        var foreign = inRange.Where(g => !g.IsDrillGuest).Select(g => g.Vmid.ToString(CultureInfo.InvariantCulture)).ToList();
        if (foreign.Count > 0)
        {
            throw new DrillRefusedException(
                $"VMID {string.Join(", ", foreign)} in the drill range {settings.Range} {(foreign.Count == 1 ? "is not a drill guest" : "are not drill guests")} (no '{DrillSettings.Tag}' tag): drills refuse to run until the range holds only drill guests"
            );
        }

        var byVmid = guests.GroupBy(g => g.Vmid).ToDictionary(g => g.Key, g => g.First());
        var free = new Queue<int>(settings.Range.All.Where(v => !byVmid.ContainsKey(v)).Take(Math.Max(1, count)));
        var items = new List<DrillPlanItem>();
        var skipped = new List<string>();
        foreach (var candidate in ordered)
        {
            if (items.Count >= count)
            {
                break;
            }

            var why = await ReasonNotToDrillAsync(candidate, byVmid.GetValueOrDefault(candidate.Key.Vmid), cancellationToken);
            if (why.Reason is not null)
            {
                skipped.Add($"{candidate.Key}: {why.Reason}");
                continue;
            }

            if (!free.TryDequeue(out var scratch))
            {
                throw new DrillRefusedException($"no free VMID left in the drill range {settings.Range}");
            }

            var name = string.Create(CultureInfo.InvariantCulture, $"drill-{candidate.Key.Vmid}-{time.GetUtcNow():yyyyMMdd}");
            items.Add(new DrillPlanItem(candidate, why.Source!, why.Archive!, scratch, name));
        }

        if (explicitGuest && items.Count == 0)
        {
            throw new DrillRefusedException(skipped.Count > 0 ? skipped[0] : "no such guest");
        }

        return new DrillPlan(items, skipped, inRange);
    }

    private async Task<(string? Reason, ClusterGuest? Source, BackupArchive? Archive)> ReasonNotToDrillAsync(
        DrillCandidate candidate,
        ClusterGuest? source,
        CancellationToken cancellationToken
    )
    {
        if (candidate.Key.Cluster != settings.Cluster)
        {
            return ($"drills run on cluster {settings.Cluster} only", null, null);
        }

        if (source is null)
        {
            return ("not in the cluster", null, null);
        }

        if (settings.Range.Contains(source.Vmid) || source.IsDrillGuest)
        {
            return ("is a drill guest itself", null, null);
        }

        if (source.Template)
        {
            return ("is a template", null, null);
        }

        if (source.Type is not ("qemu" or "lxc"))
        {
            return ($"type {source.Type} cannot be drilled", null, null);
        }

        if (string.Equals(source.Lock, "backup", StringComparison.Ordinal) || await cluster.BackupRunningAsync(source, cancellationToken))
        {
            return ("a backup of it is running; drilled another time", null, null);
        }

        // Passed over before anything is restored: a guest PVE would restore in full and then refuse to isolate.
        var blockers = await cluster.RestoreBlockersAsync(source, settings.Node, settings.Isolation, cancellationToken);
        if (blockers.Count > 0)
        {
            return ($"the drill token cannot restore and isolate it: {string.Join("; ", blockers)}", null, null);
        }

        var archive = await cluster.NewestBackupAsync(source, settings.Node, cancellationToken);
        if (archive is null)
        {
            return ($"no backup node {settings.Node} can restore from", null, null);
        }

        // A restore into a thin pool shared with production guests must not fill it.
        var space = await cluster.TargetSpaceAsync(settings.Node, settings.TargetStorage, cancellationToken);
        return DrillSpace.Refusal(archive, settings.TargetStorage, space, settings.FreeSpaceMargin) is { } full
            ? (full, null, null)
            : (null, source, archive);
    }
}
