using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>A configured PVE cluster: its endpoint plus what SelfHostSync needs to know about it.</summary>
public sealed record PveCluster(ProxmoxEndpoint Endpoint, HardwareOwner HardwareOwner, TimeSpan ConfigRefresh)
{
    public string Name => Endpoint.Name;

    /// <summary>
    /// The restore-drill range on this cluster: its scratch guests (and the restore tasks that made them) are
    /// SelfHostSync's own and never part of the matrix; the drill records are the evidence.
    /// </summary>
    public Core.Drills.VmidRange? ScratchRange { get; init; }

    /// <summary>A scratch guest of a restore drill: in the range, or carrying the drill tag anywhere.</summary>
    public bool IsScratch(int vmid, string? tags) =>
        ScratchRange?.Contains(vmid) == true
        || Core.Evidence.TagList.Parse(tags).Contains(Core.Drills.DrillSettings.Tag, StringComparer.OrdinalIgnoreCase);
}

/// <summary>A configured PBS server.</summary>
/// <param name="Endpoint">How to reach it.</param>
/// <param name="Offsite">The server itself is off site: its snapshots are offsite copies, and its pull sync jobs from
/// a PBS our clusters back up to carry those datastores off site.</param>
/// <param name="OffsiteRemotes">PBS remotes (names in its <c>remote.cfg</c>) that are off site: a successful push sync
/// job to one of them carries the datastore's snapshots off site.</param>
/// <param name="S3Offsite">Datastores with an S3 backend (PBS 4) hold their data in object storage elsewhere: their
/// snapshots are offsite copies.</param>
public sealed record PbsServer(ProxmoxEndpoint Endpoint, bool Offsite, IReadOnlySet<string>? OffsiteRemotes = null, bool S3Offsite = false)
{
    public string Name => Endpoint.Name;

    public IReadOnlySet<string> OffsiteRemoteNames => OffsiteRemotes ?? new HashSet<string>();

    /// <summary>Between passes only changed backup groups are read; every datastore is listed in full at least this often.</summary>
    public TimeSpan FullListingEvery { get; init; } = TimeSpan.FromHours(1);
}
