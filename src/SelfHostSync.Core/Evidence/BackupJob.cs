using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Evidence;

/// <summary>A scheduled vzdump job of a cluster (<c>/cluster/backup</c>).</summary>
/// <param name="Cluster">The cluster it belongs to.</param>
/// <param name="Id">The job id.</param>
/// <param name="Enabled">Disabled jobs never run; a guest only in a disabled job is not covered.</param>
/// <param name="Schedule">The calendar event, e.g. "21:00".</param>
/// <param name="Selection">Which guests it backs up.</param>
/// <param name="Node">When set, the job only runs on this node and only covers guests there.</param>
/// <param name="Storage">The target storage.</param>
public sealed record BackupJob(string Cluster, string Id, bool Enabled, string? Schedule, JobSelection Selection, string? Node, string? Storage)
{
    public bool Covers(Guest guest) =>
        string.Equals(guest.Key.Cluster, Cluster, StringComparison.Ordinal)
        && (Node is null || string.Equals(Node, guest.Node, StringComparison.OrdinalIgnoreCase))
        && Selection.Includes(guest);
}

/// <summary>Guest selection of a backup job: all (minus excludes), a VMID list, or a pool.</summary>
public sealed record JobSelection(bool All, IReadOnlySet<int> Vmids, IReadOnlySet<int> Exclude, string? Pool)
{
    public static JobSelection AllGuests(IReadOnlySet<int>? exclude = null) => new(true, new HashSet<int>(), exclude ?? new HashSet<int>(), null);

    public static JobSelection OfVmids(params int[] vmids) => new(false, vmids.ToHashSet(), new HashSet<int>(), null);

    public static JobSelection OfPool(string pool) => new(false, new HashSet<int>(), new HashSet<int>(), pool);

    public bool Includes(Guest guest)
    {
        if (All)
        {
            return !Exclude.Contains(guest.Key.Vmid);
        }

        if (Pool is not null)
        {
            return string.Equals(Pool, guest.Pool, StringComparison.Ordinal);
        }

        return Vmids.Contains(guest.Key.Vmid);
    }
}
