using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Evidence;

/// <summary>Everything known (or unknown) about one guest in one pass.</summary>
public sealed record GuestEvidence(
    Guest Guest,
    Observed<IReadOnlyList<BackupCopy>> Copies,
    Observed<IReadOnlyList<RestoreTest>> RestoreTests,
    Observed<IReadOnlyList<BackupJob>> CoveringJobs,
    Observed<IReadOnlyList<StorageReplica>> Replicas,
    Observed<IReadOnlyList<StorageHealth>> StorageHealth
)
{
    /// <summary>Evidence with everything known and empty — a guest nobody backed up.</summary>
    public static GuestEvidence Nothing(Guest guest) =>
        new(
            guest,
            Observed<IReadOnlyList<BackupCopy>>.Known([]),
            Observed<IReadOnlyList<RestoreTest>>.Known([]),
            Observed<IReadOnlyList<BackupJob>>.Known([]),
            Observed<IReadOnlyList<StorageReplica>>.Known([]),
            Observed<IReadOnlyList<StorageHealth>>.Known([])
        );
}
