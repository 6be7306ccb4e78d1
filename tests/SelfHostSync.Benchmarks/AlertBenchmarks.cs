using BenchmarkDotNet.Attributes;
using SelfHostSync.Core.Alerts;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Sync;

namespace SelfHostSync.Benchmarks;

/// <summary>
/// The alert bookkeeping after every pass on a large estate: a steady-state run (the same failures as last time)
/// against the alerts still open. It was quadratic in guests × open alerts before the 2026-11-26 measurement round (BENCHMARKS.md).
/// </summary>
[MemoryDiagnoser]
public class AlertBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] CheckIdsPerGuest =
    [
        CheckIds.BackupPresent,
        CheckIds.BackupFresh,
        CheckIds.BackupVerified,
        CheckIds.RestoreTested,
        CheckIds.OffsitePresent,
        CheckIds.DocsPresent,
    ];

    private RunReport _run = null!;
    private IReadOnlyDictionary<string, OpenAlert> _open = null!;

    [Params(300, 3000)]
    public int Guests { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var guests = new List<GuestReport>(Guests);
        for (var i = 0; i < Guests; i++)
        {
            guests.Add(
                new GuestReport
                {
                    Cluster = $"cluster{(i % 3) + 1}",
                    Vmid = 100 + (i / 3),
                    Node = "n1",
                    Type = "qemu",
                    Name = $"guest-{i}",
                    Level = SelfHostSync.Core.Matrix.Level.Production,
                    LevelReasons = [],
                    Checks = CheckIdsPerGuest
                        .Select((id, c) => new CheckResult(id, (i + c) % 3 == 0 ? CheckStatus.Fail : CheckStatus.Pass, "detail"))
                        .ToList(),
                    TagsBefore = [],
                    TagsAfter = [],
                    Written = false,
                    WriteStatus = GuestWriteStatus.None,
                }
            );
        }

        _run = new RunReport
        {
            RunId = "r",
            StartedAt = Now,
            FinishedAt = Now,
            DryRun = false,
            Degraded = false,
            Sources = [new SourceReport("pve", "cluster1", true, null)],
            Guests = guests,
            Writes = 0,
        };
        _open = AlertTracker.Advance(new Dictionary<string, OpenAlert>(StringComparer.Ordinal), _run, Now).Open;
    }

    [Benchmark]
    public int SteadyStateAdvance() => AlertTracker.Advance(_open, _run, Now).Open.Count;
}
