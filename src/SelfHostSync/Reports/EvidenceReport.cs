using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;

namespace SelfHostSync.Reports;

/// <summary>
/// The evidence report (<c>selfhostsync report</c>): per guest, its level and why, each check with its evidence and date,
/// the restore tests and drills of the period with their RTO, and the proven restore point; the systems outside Proxmox.
/// What an auditor, or the operator a year later, reads to see that backups were not only taken but restored.
/// The JSON form is described by <c>docs/report.schema.json</c>.
/// </summary>
internal sealed record EvidenceReport
{
    public int Version { get; init; } = 1;

    public required DateTimeOffset GeneratedAt { get; init; }

    public required DateTimeOffset Since { get; init; }

    public required string RunId { get; init; }

    public required DateTimeOffset RunFinishedAt { get; init; }

    /// <summary>The run could not read every source: checks that depend on a missing source are unknown.</summary>
    public required bool Degraded { get; init; }

    public required IReadOnlyList<ReportSourceLine> Sources { get; init; }

    /// <summary>Systems per level code, and how many of them fail a check.</summary>
    public required IReadOnlyList<ReportLevelLine> Levels { get; init; }

    public required IReadOnlyList<ReportGuest> Guests { get; init; }

    public required IReadOnlyList<ReportInventory> Inventory { get; init; }

    public static EvidenceReport Build(
        RunReport last,
        IReadOnlyList<RestoreTest> tests,
        IReadOnlyList<DrillRecord> drills,
        DateTimeOffset since,
        DateTimeOffset now
    )
    {
        // A drill's restore evidence is listed with the drill itself.
        var testsByGuest = tests.Where(t => t.At >= since && t.Kind != RestoreTestKind.Drill).ToLookup(t => t.Guest);
        var drillsByGuest = drills.Where(d => d.StartedAt >= since && d.State != DrillState.Running).ToLookup(d => d.Guest);
        var levels = new[] { Level.Saas, Level.Managed, Level.Vps, Level.Homelab, Level.Production }
            .Select(l => new ReportLevelLine(
                l.ToCode(),
                l.Environment(),
                last.Guests.Count(g => g.Level == l) + last.Inventory.Count(i => i.Level == l),
                last.Guests.Count(g => g.Level == l && g.Checks.Any(c => c.Status == CheckStatus.Fail))
                    + last.Inventory.Count(i => i.Level == l && i.Checks.Any(c => c.Status == CheckStatus.Fail))
            ))
            .ToList();
        return new EvidenceReport
        {
            GeneratedAt = now,
            Since = since,
            RunId = last.RunId,
            RunFinishedAt = last.FinishedAt,
            Degraded = last.Degraded,
            Sources = [.. last.Sources.Select(s => new ReportSourceLine($"{s.Kind}:{s.Name}", s.Ok, s.Error))],
            Levels = levels,
            Guests =
            [
                .. last
                    .Guests.OrderByDescending(g => g.Level)
                    .ThenBy(g => g.Cluster, StringComparer.Ordinal)
                    .ThenBy(g => g.Vmid)
                    .Select(g =>
                    {
                        var key = new GuestKey(g.Cluster, g.Vmid);
                        return new ReportGuest(
                            key.ToString(),
                            g.Name,
                            g.Type,
                            g.Level.ToCode(),
                            g.LevelReasons,
                            [.. g.Checks.Select(c => new ReportCheck(c.Id, c.Status.ToCode(), c.Detail, c.EvidenceAt))],
                            g.ProvenRestorePoint is { } p ? new ReportProven(p.Archive, p.BackupTime, p.ProvenAt, p.How) : null,
                            [
                                .. testsByGuest[key]
                                    .OrderByDescending(t => t.At)
                                    .Select(t => new ReportRestoreTest(
                                        t.At,
                                        t.Kind.ToString().ToLowerInvariant(),
                                        t.Passed,
                                        t.SourceArchive,
                                        t.Target,
                                        t.Note
                                    )),
                            ],
                            [
                                .. drillsByGuest[key]
                                    .OrderByDescending(d => d.StartedAt)
                                    .Select(d => new ReportDrill(
                                        d.StartedAt,
                                        d.State.ToString().ToLowerInvariant(),
                                        d.Archive,
                                        d.Phase,
                                        d.RtoSeconds,
                                        d.Reason,
                                        d.ProbeSummary
                                    )),
                            ]
                        );
                    }),
            ],
            Inventory =
            [
                .. last.Inventory.Select(i => new ReportInventory(
                    i.Name,
                    i.Level.ToCode(),
                    i.Vendor,
                    [.. i.Checks.Select(c => new ReportCheck(c.Id, c.Status.ToCode(), c.Detail, c.EvidenceAt))]
                )),
            ],
        };
    }
}

internal sealed record ReportSourceLine(string Source, bool Ok, string? Error);

internal sealed record ReportLevelLine(string Level, string Name, int Systems, int Failing);

internal sealed record ReportCheck(string Id, string Status, string Detail, DateTimeOffset? EvidenceAt);

internal sealed record ReportProven(string Archive, DateTimeOffset BackupTime, DateTimeOffset ProvenAt, string How);

internal sealed record ReportRestoreTest(DateTimeOffset At, string Kind, bool Passed, string? Archive, string? Target, string? Note);

internal sealed record ReportDrill(
    DateTimeOffset StartedAt,
    string State,
    string Archive,
    string Phase,
    double? RtoSeconds,
    string? Reason,
    string? Probes
);

internal sealed record ReportGuest(
    string Guest,
    string? Name,
    string Type,
    string Level,
    IReadOnlyList<string> LevelReasons,
    IReadOnlyList<ReportCheck> Checks,
    ReportProven? ProvenRestorePoint,
    IReadOnlyList<ReportRestoreTest> RestoreTests,
    IReadOnlyList<ReportDrill> Drills
);

internal sealed record ReportInventory(string Name, string Level, string? Vendor, IReadOnlyList<ReportCheck> Checks);
