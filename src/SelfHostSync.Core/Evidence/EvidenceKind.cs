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

/// <summary>
/// What a source speaks for, or what a gap leaves unknown: a family of evidence, for one cluster or (null) for all.
/// </summary>
/// <param name="Kind">The family of evidence.</param>
/// <param name="Cluster">One cluster, or null for every cluster.</param>
/// <param name="Part">
/// Null: the whole family is unknown. Otherwise the one part that could not be read or may have been filtered (a
/// storage, a node, a datastore): everything else of the family was read, so what was seen is true but may be
/// incomplete (a lower bound).
/// </param>
/// <param name="Vmids">When set, only these guests are affected (e.g. the guests a token may not see backups of).</param>
public sealed record EvidenceScope(EvidenceKind Kind, string? Cluster, string? Part = null, IReadOnlySet<int>? Vmids = null)
{
    /// <summary>Only part of the family is unknown: what was seen still holds.</summary>
    public bool IsPartial => Part is not null;

    public bool Covers(EvidenceKind kind, string cluster) =>
        Kind == kind && (Cluster is null || string.Equals(Cluster, cluster, StringComparison.Ordinal));

    public bool Covers(EvidenceKind kind, string cluster, int vmid) => Covers(kind, cluster) && (Vmids is null || Vmids.Contains(vmid));
}

/// <summary>Evidence a source should have delivered but could not.</summary>
public sealed record EvidenceGap(EvidenceScope Scope, string Source, string Reason);
