using BenchmarkDotNet.Attributes;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Tags;

namespace SelfHostSync.Benchmarks;

/// <summary>The pure Core on a large estate: classify + assess + plan for every guest (issue 7: ≤ 50 ms for 3,000).</summary>
[MemoryDiagnoser]
public class CoreBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private EvidenceSet _evidence = null!;
    private SyncSettings _settings = null!;

    [Params(300, 3000)]
    public int Guests { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var guests = new List<Guest>();
        var copies = new List<BackupCopy>();
        var tests = new List<RestoreTest>();
        for (var i = 0; i < Guests; i++)
        {
            var key = new GuestKey($"cluster{(i % 3) + 1}", 100 + (i / 3));
            var kind = i % 10;
            guests.Add(
                new Guest
                {
                    Key = key,
                    Node = "n1",
                    Type = i % 3 == 0 ? GuestType.Lxc : GuestType.Qemu,
                    Name = $"guest-{i}",
                    Status = "running",
                    Tags = TagList.Parse(
                        kind switch
                        {
                            0 or 1 => "prod;level-3b",
                            2 => "lab",
                            _ => "web",
                        }
                    ),
                    Config = new GuestConfig(kind < 5, kind == 0, kind == 9 ? null : "runbook", ["local-zfs"]),
                }
            );
            if (kind != 8)
            {
                for (var s = 0; s < 10; s++)
                {
                    copies.Add(
                        new BackupCopy(
                            key,
                            BackupCopyKind.PbsSnapshot,
                            "pbs1/store1",
                            "pbs-1",
                            Now - TimeSpan.FromDays(s + (i % 3)),
                            s % 3 == 0 ? VerificationState.Ok : VerificationState.None,
                            false,
                            false,
                            i % 7 == 0
                        )
                    );
                }
            }

            if (kind == 1)
            {
                tests.Add(new RestoreTest($"t{i}", key, RestoreTestKind.Task, Now - TimeSpan.FromDays(20), true, null, null, null));
            }
        }

        var jobs = new[] { "cluster1", "cluster2", "cluster3" }.Select(c => new BackupJob(
            c,
            "nightly",
            true,
            "02:00",
            JobSelection.AllGuests(),
            null,
            "pbs-1"
        ));
        _evidence = new EvidenceSet(guests, copies, tests, jobs, [], [], []);
        _settings = new SyncSettings();
    }

    [Benchmark]
    public int ClassifyAssessPlan() => GuestVerdict.DecideAll(_evidence, _settings, Now).Count;
}
