using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Evidence;

/// <summary>What one source delivered in one pass, with the gaps it knows of.</summary>
public sealed record EvidenceBatch
{
    public static EvidenceBatch Empty { get; } = new();

    public IReadOnlyList<Guest> Guests { get; init; } = [];

    public IReadOnlyList<BackupCopy> Copies { get; init; } = [];

    public IReadOnlyList<RestoreTest> RestoreTests { get; init; } = [];

    public IReadOnlyList<BackupJob> Jobs { get; init; } = [];

    public IReadOnlyList<StorageReplica> Replicas { get; init; } = [];

    public IReadOnlyList<StorageHealth> StorageHealth { get; init; } = [];

    /// <summary>Guests the cluster itself reports as in no backup job (<c>backup-info/not-backed-up</c>).</summary>
    public IReadOnlyList<GuestKey> NotBackedUp { get; init; } = [];

    /// <summary>Things worth telling the operator about the source itself (e.g. a datastore no verify job covers).</summary>
    public IReadOnlyList<string> Findings { get; init; } = [];

    public IReadOnlyList<EvidenceGap> Gaps { get; init; } = [];
}
