using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Drills;

public enum DrillState
{
    Running,

    /// <summary>Restored, booted and answered the probe.</summary>
    Passed,

    /// <summary>The backup did not restore or the restored guest did not come up: evidence against the backup.</summary>
    Failed,

    /// <summary>The drill could not run (API error, permission): says nothing about the backup.</summary>
    Error,

    /// <summary>Interrupted (SelfHostSync stopped or was killed); cleaned up at the next start.</summary>
    Aborted,
}

/// <summary>One restore drill: what was restored where, how long each phase took, how it ended.</summary>
public sealed record DrillRecord
{
    public required string Id { get; init; }

    public required GuestKey Guest { get; init; }

    public string? GuestName { get; init; }

    public required string Type { get; init; }

    public required string Node { get; init; }

    public required int ScratchVmid { get; init; }

    public required string Archive { get; init; }

    public DateTimeOffset? BackupTime { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public DrillState State { get; init; } = DrillState.Running;

    /// <summary>restore, isolate, start, probe, app-probe, done.</summary>
    public string Phase { get; init; } = "restore";

    public double? RestoreSeconds { get; init; }

    /// <summary>From the start request until the probe answered.</summary>
    public double? BootSeconds { get; init; }

    public string? Reason { get; init; }

    public string? RestoreUpid { get; init; }

    public bool CleanedUp { get; init; }

    /// <summary>The application probes that applied to the guest, in the order they ran.</summary>
    public IReadOnlyList<ProbeOutcome> Probes { get; init; } = [];

    /// <summary>For a failed drill: how many drills of the guest have failed in a row with it (the escalation streak).</summary>
    public int? FailedInRow { get; init; }

    /// <summary>Measured recovery time: restore plus boot-to-probe.</summary>
    public double? RtoSeconds => RestoreSeconds is { } r && BootSeconds is { } b ? r + b : null;

    public string Target => $"{Node}/{ScratchVmid}";

    /// <summary>What the restore evidence of this drill says: the RTO, the reason, the probes.</summary>
    public string EvidenceNote =>
        string.Join(
            "; ",
            new[]
            {
                RtoSeconds is { } rto ? $"RTO {Text.Durations.Format(TimeSpan.FromSeconds(Math.Round(rto)))}" : null,
                Reason,
                ProbeSummary,
            }.OfType<string>()
        );

    /// <summary>The application probes in a few words (<c>probes: pg passed, web timed out</c>); null when none applied.</summary>
    public string? ProbeSummary =>
        Probes.Count == 0
            ? null
            : "probes: "
                + string.Join(", ", Probes.Select(p => p.Short))
                + (Probes.FirstOrDefault(p => p.State == ProbeState.NotAvailable)?.Excerpt is { } why ? $" ({why})" : string.Empty);
}

/// <summary>A guest's failed drills in a row: what escalation counts.</summary>
public static class DrillStreak
{
    /// <summary>
    /// The failed drills since the last passed one, newest first. Drills that ended in error or were interrupted say
    /// nothing about the backup: they neither count nor end the streak.
    /// </summary>
    public static IReadOnlyList<DrillRecord> Of(IEnumerable<DrillRecord> newestFirst) =>
        [.. newestFirst.Where(d => d.State is DrillState.Passed or DrillState.Failed).TakeWhile(d => d.State == DrillState.Failed)];
}
