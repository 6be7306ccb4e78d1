using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Evidence;

public enum BackupCopyKind
{
    /// <summary>A snapshot on a Proxmox Backup Server datastore.</summary>
    PbsSnapshot,

    /// <summary>A vzdump archive on a file storage (dir, NFS, CIFS).</summary>
    VzdumpFile,
}

public enum VerificationState
{
    /// <summary>Never verified, or a copy PBS cannot verify.</summary>
    None,
    Ok,
    Failed,
}

/// <summary>
/// One backup copy of a guest. A large estate has hundreds of thousands of these in a pass, so a copy carries no
/// string of its own: location and storage are shared per datastore link (BENCHMARKS.md).
/// </summary>
/// <param name="Guest">The guest the copy belongs to.</param>
/// <param name="Kind">PBS snapshot or vzdump file.</param>
/// <param name="Location">Where it lives, for people: "pbs/main (ns pve)", "nas-dumps".</param>
/// <param name="StorageId">The PVE storage that holds it, when one does (vzdump files, PBS storages seen through PVE).</param>
/// <param name="Time">When the backup was taken.</param>
/// <param name="Verification">PBS verification state of the snapshot.</param>
/// <param name="Protected">Protected from pruning.</param>
/// <param name="Encrypted">Client-side encrypted.</param>
/// <param name="Offsite">Lives on a backup server configured as off site.</param>
public sealed record BackupCopy(
    GuestKey Guest,
    BackupCopyKind Kind,
    string Location,
    string? StorageId,
    DateTimeOffset Time,
    VerificationState Verification,
    bool Protected,
    bool Encrypted,
    bool Offsite
);
