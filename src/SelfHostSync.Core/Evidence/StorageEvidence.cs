namespace SelfHostSync.Core.Evidence;

/// <summary>The content of a PVE storage, as of <paramref name="CompletedAt"/>, was copied off site
/// (e.g. a Hyper Backup task to C2 that covers the NAS share behind an NFS storage).</summary>
/// <param name="Cluster">The cluster whose storage it is.</param>
/// <param name="StorageId">The PVE storage id.</param>
/// <param name="CompletedAt">When the copy finished successfully; files older than this are off site.</param>
/// <param name="Via">For people: "nas: Hyper Backup 'to-c2' (C2)".</param>
public sealed record StorageReplica(string Cluster, string StorageId, DateTimeOffset CompletedAt, string Via);

/// <summary>Health of the volume or pool behind a PVE storage on a watched NAS.</summary>
/// <param name="Cluster">The cluster whose storage it is.</param>
/// <param name="StorageId">The PVE storage id.</param>
/// <param name="Healthy">True only when the NAS reports the volume and its pool as normal.</param>
/// <param name="Detail">The raw state, for people: "nas volume_1: degraded".</param>
public sealed record StorageHealth(string Cluster, string StorageId, bool Healthy, string Detail);
