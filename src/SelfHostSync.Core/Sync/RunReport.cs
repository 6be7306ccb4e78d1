using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Sync;

/// <summary>The result of one pass; serialised as the stable <c>sync --json</c> report (DESIGN §6).</summary>
public sealed record RunReport
{
    public required string RunId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    public required bool DryRun { get; init; }

    public required bool Degraded { get; init; }

    public required IReadOnlyList<SourceReport> Sources { get; init; }

    public required IReadOnlyList<GuestReport> Guests { get; init; }

    public required int Writes { get; init; }

    public int WriteFailures { get; init; }

    public IReadOnlyList<SkippedGuest> Skipped { get; init; } = [];

    public IReadOnlyList<InventoryReport> Inventory { get; init; } = [];
}

public sealed record SourceReport(string Kind, string Name, bool Ok, string? Error)
{
    /// <summary>What the source noticed about itself (no verify job, a failed sync job, …).</summary>
    public IReadOnlyList<string> Findings { get; init; } = [];
}

public sealed record SkippedGuest(string Cluster, int Vmid, string? Name, string Reason);

public sealed record GuestReport
{
    public required string Cluster { get; init; }

    public required int Vmid { get; init; }

    public required string Node { get; init; }

    public required string Type { get; init; }

    public string? Name { get; init; }

    public required Level Level { get; init; }

    public required IReadOnlyList<string> LevelReasons { get; init; }

    public bool LevelCertain { get; init; } = true;

    public required IReadOnlyList<CheckResult> Checks { get; init; }

    public required IReadOnlyList<string> TagsBefore { get; init; }

    public required IReadOnlyList<string> TagsAfter { get; init; }

    public required bool Written { get; init; }

    public required GuestWriteStatus WriteStatus { get; init; }

    public string? WriteDetail { get; init; }

    /// <summary>The newest backup proven to restore (a passed drill, or a recorded restore of that archive).</summary>
    public ProvenRestorePoint? ProvenRestorePoint { get; init; }
}

public sealed record InventoryReport(string Name, Level Level, string? Vendor, IReadOnlyList<CheckResult> Checks);
