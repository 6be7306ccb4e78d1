using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Evidence;

/// <summary>Kinds of restore evidence, weakest first.</summary>
public enum RestoreTestKind
{
    /// <summary>Recorded by an operator with <c>restore-test record</c>.</summary>
    Manual,

    /// <summary>A successful qmrestore/vzrestore task in Proxmox whose log names an archive of the guest.</summary>
    Task,

    /// <summary>A restore drill run by SelfHostSync itself: restore, boot, probe, destroy.</summary>
    Drill,
}

/// <summary>Evidence that a backup of a guest was (or could not be) restored.</summary>
/// <param name="Id">Deduplication key: the task UPID, the drill id, or a generated id for manual records.</param>
/// <param name="Guest">The guest whose backup was restored (the source, not the restore target).</param>
/// <param name="Kind">How the evidence arose.</param>
/// <param name="At">When the restore finished.</param>
/// <param name="Passed">Whether the restore (and, for drills, the boot probe) succeeded.</param>
/// <param name="SourceArchive">The archive or snapshot restored, when known.</param>
/// <param name="Target">Where it was restored to (e.g. "pve1/9901").</param>
/// <param name="Note">Free text: the failure reason, the operator's note.</param>
public sealed record RestoreTest(
    string Id,
    GuestKey Guest,
    RestoreTestKind Kind,
    DateTimeOffset At,
    bool Passed,
    string? SourceArchive,
    string? Target,
    string? Note
);
