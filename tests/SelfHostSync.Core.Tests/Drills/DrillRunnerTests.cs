using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Tests.Drills;

public sealed class DrillRunnerTests
{
    private static readonly ClusterGuest Source = new(100, "pve1", "qemu", "inference", ["prod"], null, "running", false);
    private static readonly DrillCandidate Candidate = new(new GuestKey("homelab", 100), Level.Production, "inference");

    [Fact]
    public async Task RunAsync_HealthyBackup_PassesIsolatesBeforeStartAndDestroys()
    {
        var (cluster, store, runner) = Make();

        var result = await PlanAndRunAsync(runner);

        Assert.Equal(DrillState.Passed, result.State);
        Assert.True(result.CleanedUp);
        Assert.NotNull(result.RtoSeconds);
        Assert.Equal(9900, result.ScratchVmid);
        var evidence = Assert.Single(store.Evidence);
        Assert.Equal(
            (RestoreTestKind.Drill, true, "pbs:backup/vm/100/2026-11-25T02:00:00Z"),
            (evidence.Kind, evidence.Passed, evidence.SourceArchive)
        );
        Assert.True(cluster.Calls.IndexOf("isolate 9900") < cluster.Calls.IndexOf("start 9900"));
        Assert.Contains("destroy 9900", cluster.Calls);
        Assert.Empty(cluster.OutsideRange);
        Assert.DoesNotContain(cluster.Guests, g => g.Vmid == 9900);
    }

    [Fact]
    public async Task RunAsync_RestoreTaskFails_FailedWithReasonAndUntaggedStubRemoved()
    {
        var (cluster, store, runner) = Make(c =>
            c.RestoreResult = new DrillTaskStatus(DrillTaskState.Failed, "command 'pbs-restore' failed: exit code 255")
        );

        var result = await PlanAndRunAsync(runner);

        Assert.Equal(DrillState.Failed, result.State);
        Assert.StartsWith("restore failed: command 'pbs-restore'", result.Reason, StringComparison.Ordinal);
        Assert.False(Assert.Single(store.Evidence).Passed);
        Assert.DoesNotContain("start 9900", cluster.Calls);
        Assert.Contains("destroy 9900", cluster.Calls);
        Assert.True(result.CleanedUp);
    }

    [Fact]
    public async Task RunAsync_AgentNeverAnswers_TimesOutFailedAndCleansUp()
    {
        var (cluster, store, runner) = Make(c => c.AgentAnswers = false, s => s with { Timeout = TimeSpan.FromMilliseconds(300) });

        var result = await PlanAndRunAsync(runner);

        Assert.Equal(DrillState.Failed, result.State);
        Assert.Contains("timed out", result.Reason, StringComparison.Ordinal);
        Assert.Contains("guest agent never answered", result.Reason, StringComparison.Ordinal);
        Assert.Contains("stop 9900", cluster.Calls);
        Assert.Contains("destroy 9900", cluster.Calls);
        Assert.False(Assert.Single(store.Evidence).Passed);
    }

    [Fact]
    public async Task RunAsync_ApiErrorOnStart_ErrorWithoutEvidenceAndCleansUp()
    {
        var (cluster, store, runner) = Make(c =>
            c.StartThrows = new InvalidOperationException("permission denied on POST /nodes/pve1/qemu/9900/status/start")
        );

        var result = await PlanAndRunAsync(runner);

        Assert.Equal(DrillState.Error, result.State);
        Assert.Contains("permission denied", result.Reason, StringComparison.Ordinal);
        Assert.Empty(store.Evidence);
        Assert.Contains("destroy 9900", cluster.Calls);
    }

    [Fact]
    public async Task RunAsync_RestoredGuestWithoutDrillTag_NeverStartedNorDestroyed()
    {
        var (cluster, store, runner) = Make(c => c.RestoreTagsGuest = false);

        var result = await PlanAndRunAsync(runner);

        Assert.Equal(DrillState.Error, result.State);
        Assert.DoesNotContain("start 9900", cluster.Calls);
        Assert.DoesNotContain("destroy 9900", cluster.Calls);
        Assert.False(result.CleanedUp);
        Assert.Empty(store.Evidence);
    }

    [Fact]
    public async Task RunAsync_Cancelled_AbortedWithoutEvidenceAndCleansUp()
    {
        var (cluster, store, runner) = Make(c => c.AgentAnswers = false);
        var plan = await runner.PlanAsync([Candidate], 1, explicitGuest: true, CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var result = Assert.Single(await runner.RunAsync(plan, null, cts.Token));

        Assert.Equal(DrillState.Aborted, result.State);
        Assert.Empty(store.Evidence);
        Assert.Contains("destroy 9900", cluster.Calls);
    }

    [Fact]
    public async Task RunAsync_AgentDisabledInConfig_RunningProbePassesInsteadOfTimingOut()
    {
        var (cluster, _, runner) = Make(
            c =>
            {
                c.ExtraConfig["agent"] = "enabled=0,fstrim_cloned_disks=1";
                c.AgentAnswers = false;
            },
            s => s with { Timeout = TimeSpan.FromSeconds(5) }
        );

        var result = await PlanAndRunAsync(runner);

        Assert.Equal(DrillState.Passed, result.State);
        Assert.StartsWith("no guest agent enabled; still running", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("ping 9900", cluster.Calls);
    }

    [Fact]
    public async Task RunAsync_RestoreFailsForLackOfPermission_ErrorNotEvidenceAgainstTheBackup()
    {
        var (_, store, runner) = Make(c =>
            c.RestoreResult = new DrillTaskStatus(DrillTaskState.Failed, "only root can set 'hostpci0' config for non-mapped devices")
        );

        var result = await PlanAndRunAsync(runner);

        Assert.Equal(DrillState.Error, result.State);
        Assert.Empty(store.Evidence);
    }

    [Fact]
    public async Task RunAsync_RawArgsInRestoredConfig_ErrorNeverStarted()
    {
        var (cluster, _, runner) = Make(c => c.ExtraConfig["args"] = "-device vfio-pci,host=01:00.0");

        var result = await PlanAndRunAsync(runner);

        Assert.Equal(DrillState.Error, result.State);
        Assert.Contains("raw QEMU args", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("start 9900", cluster.Calls);
        Assert.Contains("destroy 9900", cluster.Calls);
    }

    [Fact]
    public async Task RunAsync_RestoreRefused_NothingAtTheScratchVmidTouched()
    {
        var (cluster, store, runner) = Make(c =>
            c.RestoreThrows = new InvalidOperationException("unable to create VM 9900 - VM 9900 already exists on node 'pve1'")
        );
        var plan = await runner.PlanAsync([Candidate], 1, explicitGuest: true, CancellationToken.None);

        // Someone else's drill guest appears at the chosen VMID between plan and restore.
        cluster.Guests.Add(new ClusterGuest(9900, "pve1", "qemu", "drill-101-20261125", [DrillSettings.Tag], null, "running", false));
        cluster.Configs[9900] = new Dictionary<string, string> { ["name"] = "drill-101-20261125", ["tags"] = DrillSettings.Tag };
        var result = Assert.Single(await runner.RunAsync(plan, null, CancellationToken.None));

        Assert.Equal(DrillState.Error, result.State);
        Assert.True(result.CleanedUp);
        Assert.DoesNotContain(cluster.Calls, c => c is "stop 9900" or "destroy 9900" or "read 9900");
        Assert.Empty(store.Evidence);
    }

    [Theory]
    [InlineData("unnamed", false)]
    [InlineData("named", false)]
    [InlineData("tagged", true)]
    public async Task SweepAsync_OldRecordWhoseCleanupFailed_RemovesOnlyAGuestProvenOurs(string atVmid, bool removed)
    {
        // The record is from an earlier run: since then anyone may have removed the stub and made 9900 their own
        // (qm create 9900 --memory 2048 leaves an unnamed, unlocked guest, just like a failed restore's stub).
        var (cluster, store, runner) = Make();
        var config = atVmid switch
        {
            "tagged" => new Dictionary<string, string> { ["name"] = "drill-100-20261120", ["tags"] = DrillSettings.Tag },
            "named" => new Dictionary<string, string> { ["name"] = "build-runner", ["memory"] = "2048" },
            _ => new Dictionary<string, string> { ["memory"] = "2048" },
        };
        cluster.Guests.Add(
            new ClusterGuest(
                9900,
                "pve1",
                "qemu",
                config.GetValueOrDefault("name"),
                atVmid == "tagged" ? [DrillSettings.Tag] : [],
                null,
                "stopped",
                false
            )
        );
        cluster.Configs[9900] = config;
        cluster.Tasks["UPID:restore"] = new DrillTaskStatus(DrillTaskState.Failed, "restore failed");
        var failed = new DrillRecord
        {
            Id = "d2",
            Guest = Candidate.Key,
            Type = "qemu",
            Node = "pve1",
            ScratchVmid = 9900,
            Archive = "pbs:backup/vm/100/x",
            StartedAt = DateTimeOffset.UtcNow.AddDays(-3),
            RestoreUpid = "UPID:restore",
            State = DrillState.Failed,
            CleanedUp = false,
            Reason = "restore failed",
        };
        await store.BeginDrillAsync(failed, CancellationToken.None);

        var sweep = await runner.SweepAsync(CancellationToken.None);

        Assert.Equal(removed, !cluster.Guests.Any(g => g.Vmid == 9900));
        Assert.Equal(removed, cluster.Calls.Contains("destroy 9900"));
        Assert.True(store.Drills["d2"].CleanedUp);
        Assert.Equal(DrillState.Failed, store.Drills["d2"].State);
        if (!removed)
        {
            Assert.Contains(sweep.Problems, p =>
                p.Contains("nothing proves it is the stub", StringComparison.Ordinal)
                && p.Contains("qm destroy 9900 --purge", StringComparison.Ordinal)
            );
            Assert.Empty(await store.UnfinishedDrillsAsync(CancellationToken.None));
        }
    }

    [Theory]
    [InlineData("foreign", "not a drill guest")]
    [InlineData("locked", "a backup of it is running")]
    [InlineData("backup", "a backup of it is running")]
    [InlineData("nobackup", "no backup node pve1 can restore from")]
    [InlineData("template", "is a template")]
    [InlineData("full", "has 10.0 GiB free of 100.0 GiB")]
    public async Task PlanAsync_UnsafeOrImpossible_RefusesWithReasonAndTouchesNothing(string situation, string reason)
    {
        var (cluster, _, runner) = Make(c =>
        {
            switch (situation)
            {
                case "foreign":
                    c.Guests.Add(new ClusterGuest(9950, "pve1", "qemu", "test", [], null, "running", false));
                    break;
                case "locked":
                    c.Guests[0] = Source with { Lock = "backup" };
                    break;
                case "backup":
                    c.BackupRunning = true;
                    break;
                case "nobackup":
                    c.Archive = null;
                    break;
                case "template":
                    c.Guests[0] = Source with { Template = true };
                    break;
                case "full":
                    c.Archive = c.Archive! with { Size = 32L << 30 };
                    c.Space = new StorageSpace(100L << 30, 10L << 30, true);
                    break;
            }
        });

        var ex = await Assert.ThrowsAsync<DrillRefusedException>(() => runner.PlanAsync([Candidate], 1, explicitGuest: true, CancellationToken.None));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Empty(cluster.Calls);
    }

    [Fact]
    public async Task SweepAsync_InterruptedDrillAndLeftovers_StubOfOurRestoreRemovedForeignLeftAlone()
    {
        var (cluster, store, runner) = Make();
        cluster.Guests.Add(new ClusterGuest(9900, "pve1", "qemu", null, [], "create", "stopped", false));
        cluster.Configs[9900] = new Dictionary<string, string> { ["memory"] = "128", ["lock"] = "create" };
        cluster.Tasks["UPID:restore"] = new DrillTaskStatus(DrillTaskState.Running, null);
        cluster.Guests.Add(new ClusterGuest(9901, "pve1", "qemu", "drill-101-20261120", [DrillSettings.Tag], null, "running", false));
        cluster.Configs[9901] = new Dictionary<string, string> { ["name"] = "drill-101-20261120", ["tags"] = DrillSettings.Tag };
        cluster.Guests.Add(new ClusterGuest(9902, "pve1", "qemu", "someone", [], null, "running", false));
        cluster.Configs[9902] = new Dictionary<string, string> { ["name"] = "someone" };
        var interrupted = new DrillRecord
        {
            Id = "d1",
            Guest = Candidate.Key,
            Type = "qemu",
            Node = "pve1",
            ScratchVmid = 9900,
            Archive = "pbs:backup/vm/100/x",
            StartedAt = DateTimeOffset.UtcNow,
            RestoreUpid = "UPID:restore",
        };
        await store.BeginDrillAsync(interrupted, CancellationToken.None);

        var sweep = await runner.SweepAsync(CancellationToken.None);

        Assert.Equal(1, sweep.Interrupted);
        Assert.Equal([9901], sweep.Removed);
        Assert.Contains("stop-task", cluster.Calls);
        Assert.DoesNotContain(cluster.Guests, g => g.Vmid is 9900 or 9901);
        Assert.Contains(cluster.Guests, g => g.Vmid == 9902);
        Assert.Contains(sweep.Problems, p => p.Contains("9902", StringComparison.Ordinal));
        Assert.Equal((DrillState.Aborted, true), (store.Drills["d1"].State, store.Drills["d1"].CleanedUp));
        Assert.Empty(store.Evidence);
        Assert.DoesNotContain("destroy 9902", cluster.Calls);
    }

    private static async Task<DrillRecord> PlanAndRunAsync(DrillRunner runner)
    {
        var plan = await runner.PlanAsync([Candidate], 1, explicitGuest: true, CancellationToken.None);
        return Assert.Single(await runner.RunAsync(plan, null, CancellationToken.None));
    }

    private static (FakeDrillCluster Cluster, FakeDrillStore Store, DrillRunner Runner) Make(
        Action<FakeDrillCluster>? arrange = null,
        Func<DrillSettings, DrillSettings>? settings = null
    )
    {
        var cluster = new FakeDrillCluster();
        cluster.Guests.Add(Source);
        arrange?.Invoke(cluster);
        var store = new FakeDrillStore();
        var s = DrillPlanningTests.Settings() with { PollInterval = TimeSpan.FromMilliseconds(5), RunningTime = TimeSpan.FromMilliseconds(20) };
        return (cluster, store, new DrillRunner(cluster, store, settings is null ? s : settings(s), TimeProvider.System));
    }
}
