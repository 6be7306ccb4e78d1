using Microsoft.Extensions.Time.Testing;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Inventory;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Tags;
using static SelfHostSync.Core.Tests.Build;

namespace SelfHostSync.Core.Tests.Sync;

public sealed class SyncPassTests
{
    private readonly FakeProxmox _pve = new();
    private readonly InMemoryStore _store = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly List<Guest> _guests = [];
    private readonly List<BackupCopy> _copies = [];
    private readonly List<RestoreTest> _tasks = [];
    private readonly FakeSource _cluster;
    private readonly FakeSource _pbs;

    public SyncPassTests()
    {
        _cluster = new FakeSource(
            new SourceId("pve", "homelab"),
            Scopes("homelab", EvidenceKind.Guests, EvidenceKind.GuestConfig, EvidenceKind.BackupJobs, EvidenceKind.RestoreTests),
            () =>
                new EvidenceBatch
                {
                    Guests = _guests.Select(g => g with { Tags = _pve.Tags[g.Key].ToList() }).ToList(),
                    Jobs = [Job("homelab", true, JobSelection.OfVmids(100))],
                    RestoreTests = _tasks.ToList(),
                }
        );
        _pbs = new FakeSource(new SourceId("pbs", "pbs"), [new EvidenceScope(EvidenceKind.BackupCopies, null)], () =>
            new EvidenceBatch { Copies = _copies.ToList() }
        );

        AddGuest(Guest(100, name: "inference", tags: "prod"));
        AddGuest(Guest(101, name: "scratch", tags: "wipe;Pinned", notes: null));
        AddGuest(Guest(9000, name: "tmpl", template: true));
        _copies.Add(Pbs(new GuestKey("homelab", 100), Hours(3)));
    }

    private static EvidenceScope[] Scopes(string cluster, params EvidenceKind[] kinds) => kinds.Select(k => new EvidenceScope(k, cluster)).ToArray();

    private void AddGuest(Guest g)
    {
        _guests.Add(g);
        _pve.Tags[g.Key] = g.Tags.ToList();
    }

    private SyncPass Pass(SyncSettings? settings = null) =>
        new(
            [_cluster, _pbs],
            _pve,
            _store,
            settings
                ?? new SyncSettings
                {
                    Inventory =
                    [
                        new InventoryEntry
                        {
                            Name = "Mail",
                            Level = Level.Saas,
                            DataLocation = "EU",
                            Mfa = true,
                        },
                    ],
                },
            _time
        );

    private Task<RunReport> Run(bool dryRun = false, SyncSettings? settings = null) =>
        Pass(settings).RunAsync(new SyncRequest(dryRun), null, CancellationToken.None);

    [Theory]
    [InlineData(false, Level.Production)]
    [InlineData(true, Level.Homelab)]
    public async Task RunAsync_ProtectedBackupOfOurOwn_IsNoProductionSignal(bool protectedBySelfHostSync, Level expected)
    {
        // onboot=1 and a protected backup: two signals, the default threshold, unless the flag is one SelfHostSync set.
        AddGuest(Guest(102, name: "plain", onboot: true));
        var copy = Pbs(new GuestKey("homelab", 102), Hours(5), protectedCopy: true);
        _copies.Add(copy);
        if (protectedBySelfHostSync)
        {
            _store.Held.Add(
                new Core.Drills.HeldProtection(
                    copy.Guest,
                    $"pbs:backup/vm/102/{copy.Time.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}",
                    "pve1",
                    copy.Time,
                    "d1",
                    Now
                )
            );
        }

        var report = await Run();

        Assert.Equal(expected, report.Guests.Single(g => g.Vmid == 102).Level);
    }

    [Fact]
    public async Task RunAsync_FirstPass_WritesLevelAndWarningsKeepingUserTags()
    {
        var report = await Run();

        Assert.False(report.Degraded);
        Assert.Equal(2, report.Writes);
        Assert.Equal(
            ["level-3b", "prod", "warn-no-offsite", "warn-restore-untested"],
            _pve.Tags[new GuestKey("homelab", 100)].Order(StringComparer.Ordinal)
        );
        Assert.Equal(
            ["level-3a", "Pinned", "warn-undocumented", "wipe"],
            _pve.Tags[new GuestKey("homelab", 101)].Order(StringComparer.OrdinalIgnoreCase)
        );
        var inference = report.Guests.Single(g => g.Vmid == 100);
        Assert.Equal(Level.Production, inference.Level);
        Assert.True(inference.Written);
        Assert.Equal(["prod"], inference.TagsBefore);
        Assert.Equal(CheckStatus.Fail, inference.Checks.Single(c => c.Id == CheckIds.RestoreTested).Status);
        Assert.Equal(2, _store.Audit.Count);
        Assert.Single(_store.Runs);
        Assert.Equal(report.RunId, _store.Begun.Single());
    }

    [Fact]
    public async Task RunAsync_Templates_AreSkippedAndNeverTagged()
    {
        var report = await Run();
        Assert.DoesNotContain(report.Guests, g => g.Vmid == 9000);
        Assert.Equal("template", Assert.Single(report.Skipped).Reason);
        Assert.Empty(_pve.Tags[new GuestKey("homelab", 9000)]);
    }

    [Fact]
    public async Task RunAsync_SecondPass_WritesNothing()
    {
        await Run();
        var second = await Run();
        Assert.Equal(0, second.Writes);
        Assert.All(second.Guests, g => Assert.Equal(GuestWriteStatus.None, g.WriteStatus));
    }

    [Fact]
    public async Task RunAsync_DryRun_WritesNothingButReportsThePlan()
    {
        var report = await Run(dryRun: true);
        Assert.Equal(0, report.Writes);
        Assert.Empty(_store.Audit);
        Assert.Equal(["prod"], _pve.Tags[new GuestKey("homelab", 100)]);
        var g = report.Guests.Single(x => x.Vmid == 100);
        Assert.Equal(GuestWriteStatus.DryRun, g.WriteStatus);
        Assert.Contains("level-3b", g.TagsAfter);
    }

    [Fact]
    public async Task RunAsync_TagWriteDisabled_PlansOnly()
    {
        var report = await Run(settings: new SyncSettings { WriteTags = false });
        Assert.Equal(0, _pve.Writes);
        Assert.All(report.Guests, g => Assert.Equal(GuestWriteStatus.Disabled, g.WriteStatus));
    }

    [Fact]
    public async Task RunAsync_BackupSourceDown_DegradedAndNoTagFlips()
    {
        await Run();
        var before = _pve.Tags.ToDictionary(kv => kv.Key, kv => kv.Value.ToList());

        // The backup that was there goes stale, and a restore is seen — but the backup server is down.
        _time.Advance(TimeSpan.FromDays(3));
        _tasks.Add(Restore(new GuestKey("homelab", 100), Days(-3)));
        _pbs.Fail = true;
        var report = await Run();

        Assert.True(report.Degraded);
        var pbs = report.Sources.Single(s => s.Kind == "pbs");
        Assert.False(pbs.Ok);
        Assert.Contains("connection refused", pbs.Error, StringComparison.Ordinal);
        Assert.Equal(0, report.Writes);
        foreach (var (key, tags) in before)
        {
            Assert.Equal(tags, _pve.Tags[key]);
        }

        var fresh = report.Guests.Single(g => g.Vmid == 100).Checks.Single(c => c.Id == CheckIds.BackupFresh);
        Assert.Equal(CheckStatus.Unknown, fresh.Status);
    }

    [Fact]
    public async Task RunAsync_ClusterSourceDown_NoGuestsNoWrites()
    {
        _cluster.Fail = true;
        var report = await Run();
        Assert.True(report.Degraded);
        Assert.Empty(report.Guests);
        Assert.Equal(0, _pve.Writes);
    }

    [Fact]
    public async Task RunAsync_RestoreTasksSeenOnce_ArePersistedAndOutliveTaskHistory()
    {
        var key = new GuestKey("homelab", 100);
        _tasks.Add(Restore(key, Days(1)));
        await Run();
        Assert.Single(_store.RestoreTests);

        _tasks.Clear(); // PVE rotated its task index
        var report = await Run();
        Assert.Equal(CheckStatus.Pass, report.Guests.Single(g => g.Vmid == 100).Checks.Single(c => c.Id == CheckIds.RestoreTested).Status);
        Assert.DoesNotContain("warn-restore-untested", _pve.Tags[key]);
    }

    [Fact]
    public async Task RunAsync_DigestConflict_IsDeferredAndRetriedNextPass()
    {
        _pve.NextOutcomes.Enqueue(TagWriteStatus.Conflict);
        _pve.NextOutcomes.Enqueue(TagWriteStatus.Conflict);
        var first = await Run();
        Assert.Equal(0, first.Writes);
        Assert.Equal(0, first.WriteFailures);
        Assert.All(first.Guests, g => Assert.Equal(GuestWriteStatus.Conflict, g.WriteStatus));

        var second = await Run();
        Assert.Equal(2, second.Writes);
    }

    [Fact]
    public async Task RunAsync_LockedGuest_IsNotWrittenAndReportedLocked()
    {
        var locked = _guests[0] with { Lock = "backup" };
        _guests[0] = locked;
        var report = await Run();
        var g = report.Guests.Single(x => x.Vmid == 100);
        Assert.Equal(GuestWriteStatus.Locked, g.WriteStatus);
        Assert.False(g.Written);
        Assert.Equal(["prod"], _pve.Tags[locked.Key]);
    }

    [Fact]
    public async Task RunAsync_FailedWrite_IsCountedNotFatal()
    {
        _pve.NextOutcomes.Enqueue(TagWriteStatus.Failed);
        var report = await Run(settings: new SyncSettings { WriteParallelism = 1 });
        Assert.Equal(1, report.WriteFailures);
        Assert.Equal(1, report.Writes);
    }

    [Fact]
    public async Task RunAsync_Inventory_IsAssessedWithoutTags()
    {
        var report = await Run();
        var mail = Assert.Single(report.Inventory);
        Assert.Equal(Level.Saas, mail.Level);
        Assert.Equal(CheckStatus.Fail, mail.Checks.Single(c => c.Id == CheckIds.ExportTested).Status);
    }

    [Fact]
    public async Task RunAsync_Progress_ReportsStagesInOrder()
    {
        var stages = new List<string>();
        var progress = new SynchronousProgress(p => stages.Add(p.Stage));
        await Pass().RunAsync(new SyncRequest(false), progress, CancellationToken.None);
        Assert.Equal(["collecting", "assessing", "writing", "done"], stages.Distinct());
    }

    [Fact]
    public async Task RunAsync_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Pass().RunAsync(new SyncRequest(false), null, cts.Token));
    }

    private sealed class SynchronousProgress(Action<SyncProgress> report) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => report(value);
    }
}
