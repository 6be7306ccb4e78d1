namespace SelfHostSync.Core.Evidence;

/// <summary>Families of evidence; a failed source leaves the families it speaks for unknown.</summary>
public enum EvidenceKind
{
    Guests,
    GuestConfig,
    BackupCopies,
    RestoreTests,
    BackupJobs,
    Replicas,
    StorageHealth,
}

/// <summary>What a source speaks for: a family of evidence, for one cluster or (null) for all.</summary>
public sealed record EvidenceScope(EvidenceKind Kind, string? Cluster)
{
    public bool Covers(EvidenceKind kind, string cluster) =>
        Kind == kind && (Cluster is null || string.Equals(Cluster, cluster, StringComparison.Ordinal));
}

/// <summary>Evidence a source should have delivered but could not.</summary>
public sealed record EvidenceGap(EvidenceScope Scope, string Source, string Reason);
