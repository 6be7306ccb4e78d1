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

    public IReadOnlyList<EvidenceGap> Gaps { get; init; } = [];
}
