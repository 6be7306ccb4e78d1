using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Policies;
using static SelfHostSync.Core.Tests.Build;

namespace SelfHostSync.Core.Tests.Checks;

/// <summary>Which checks each level demands, and every check's verdict for every level where it applies.</summary>
public sealed class AssessorMatrixTests
{
    private static GuestClassification Classified(Level level, bool? inDenial = false) =>
        new(level, IntentSource.Tag, ["test"], true, new ProductionSignals([], []), inDenial);

    private static IReadOnlyList<CheckResult> Assess(Level level, GuestEvidence evidence, bool? inDenial = false) =>
        GuestAssessor.Assess(evidence, Classified(level, inDenial), PolicyTable.Default.For(level), Now);

    private static CheckResult Check(Level level, GuestEvidence evidence, string id) => Assert.Single(Assess(level, evidence), c => c.Id == id);

    public static TheoryData<Level, string[]> ChecksPerLevel =>
        new()
        {
            { Level.Vps, [CheckIds.BackupPresent, CheckIds.BackupFresh, CheckIds.RestoreTested, CheckIds.CoverageJob, CheckIds.StorageHealthy] },
            { Level.Homelab, [CheckIds.DocsPresent, CheckIds.IntentConsistent] },
            {
                Level.Production,
                [
                    CheckIds.BackupPresent,
                    CheckIds.BackupFresh,
                    CheckIds.BackupVerified,
                    CheckIds.RestoreTested,
                    CheckIds.OffsitePresent,
                    CheckIds.CoverageJob,
                    CheckIds.StorageHealthy,
                ]
            },
        };

    [Theory]
    [MemberData(nameof(ChecksPerLevel))]
    public void Assess_EachLevel_RunsExactlyTheDesignChecks(Level level, string[] expected)
    {
        var ids = Assess(level, GuestEvidence.Nothing(Guest())).Select(c => c.Id);
        Assert.Equal(expected, ids);
    }

    public static TheoryData<Level> BackupLevels => [Level.Vps, Level.Production];

    [Theory]
    [MemberData(nameof(BackupLevels))]
    public void Assess_NoCopyAtAll_FailsEveryCopyCheckWithNoBackup(Level level)
    {
        var results = Assess(level, GuestEvidence.Nothing(Guest()));
        foreach (var id in CheckIds.NeedACopy.Append(CheckIds.BackupPresent))
        {
            if (results.SingleOrDefault(c => c.Id == id) is { } r)
            {
                Assert.Equal(CheckStatus.Fail, r.Status);
                Assert.Equal("no backup", r.Detail);
            }
        }
    }

    // backup.fresh: ≤ 30 h at levels 2 and 3b; warn in the last quarter (> 22.5 h).
    [Theory]
    [InlineData(Level.Vps, 2, CheckStatus.Pass)]
    [InlineData(Level.Vps, 23, CheckStatus.Warn)]
    [InlineData(Level.Vps, 31, CheckStatus.Fail)]
    [InlineData(Level.Production, 2, CheckStatus.Pass)]
    [InlineData(Level.Production, 25, CheckStatus.Warn)]
    [InlineData(Level.Production, 76, CheckStatus.Fail)]
    public void Assess_BackupFresh_JudgesNewestCopyAge(Level level, double hours, CheckStatus expected)
    {
        var g = Guest();
        var r = Check(level, EvidenceOf(g, copies: [Pbs(g.Key, Days(10)), Pbs(g.Key, Hours(hours))]), CheckIds.BackupFresh);
        Assert.Equal(expected, r.Status);
        Assert.Equal(Now - Hours(hours), r.EvidenceAt);
    }

    [Fact]
    public void Assess_StaleBackup_DetailSaysAgeAndPolicy()
    {
        var g = Guest();
        var r = Check(Level.Production, EvidenceOf(g, copies: [Pbs(g.Key, Days(3) + Hours(4))]), CheckIds.BackupFresh);
        Assert.Equal("newest backup 3 d 4 h old, policy 30 h", r.Detail);
    }

    // backup.verified: 3b only, ≤ 35 d.
    [Theory]
    [InlineData(VerificationState.Ok, 5, CheckStatus.Pass)]
    [InlineData(VerificationState.Ok, 30, CheckStatus.Warn)]
    [InlineData(VerificationState.Ok, 40, CheckStatus.Fail)]
    [InlineData(VerificationState.None, 1, CheckStatus.Fail)]
    public void Assess_BackupVerified_JudgesNewestVerifiedSnapshot(VerificationState state, double days, CheckStatus expected)
    {
        var g = Guest();
        var r = Check(Level.Production, EvidenceOf(g, copies: [Pbs(g.Key, Days(days), state)]), CheckIds.BackupVerified);
        Assert.Equal(expected, r.Status);
    }

    [Fact]
    public void Assess_NewestSnapshotFailedVerification_FailsEvenWithOlderVerifiedOnes()
    {
        var g = Guest();
        var r = Check(
            Level.Production,
            EvidenceOf(g, copies: [Pbs(g.Key, Days(2)), Pbs(g.Key, Hours(3), VerificationState.Failed)]),
            CheckIds.BackupVerified
        );
        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Contains("failed verification", r.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Assess_VzdumpOnlyWithRecentRestoreTest_CountsAsVerified()
    {
        var g = Guest();
        var passed = Check(
            Level.Production,
            EvidenceOf(g, copies: [Dump(g.Key, Hours(3))], tests: [Restore(g.Key, Days(3))]),
            CheckIds.BackupVerified
        );
        Assert.Equal(CheckStatus.Pass, passed.Status);
        var never = Check(Level.Production, EvidenceOf(g, copies: [Dump(g.Key, Hours(3))]), CheckIds.BackupVerified);
        Assert.Equal(CheckStatus.Fail, never.Status);
        Assert.Contains("cannot be verified", never.Detail, StringComparison.Ordinal);
    }

    // restore.tested: ≤ 180 d at level 2, ≤ 90 d at 3b.
    [Theory]
    [InlineData(Level.Vps, 100, true, CheckStatus.Pass)]
    [InlineData(Level.Vps, 150, true, CheckStatus.Warn)]
    [InlineData(Level.Vps, 181, true, CheckStatus.Fail)]
    [InlineData(Level.Production, 30, true, CheckStatus.Pass)]
    [InlineData(Level.Production, 70, true, CheckStatus.Warn)]
    [InlineData(Level.Production, 100, true, CheckStatus.Fail)]
    [InlineData(Level.Production, 1, false, CheckStatus.Fail)]
    public void Assess_RestoreTested_JudgesNewestSuccessfulTest(Level level, double days, bool passed, CheckStatus expected)
    {
        var g = Guest();
        var r = Check(level, EvidenceOf(g, copies: [Pbs(g.Key, Hours(1))], tests: [Restore(g.Key, Days(days), passed)]), CheckIds.RestoreTested);
        Assert.Equal(expected, r.Status);
    }

    [Theory]
    [MemberData(nameof(BackupLevels))]
    public void Assess_NeverRestored_FailsWithNeverRestored(Level level)
    {
        var g = Guest();
        var r = Check(level, EvidenceOf(g, copies: [Pbs(g.Key, Hours(1))]), CheckIds.RestoreTested);
        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Equal("never restored", r.Detail);
    }

    [Fact]
    public void Assess_LatestRestoreFailedAfterOlderSuccess_Fails()
    {
        var g = Guest();
        var r = Check(
            Level.Production,
            EvidenceOf(
                g,
                copies: [Pbs(g.Key, Hours(1))],
                tests: [Restore(g.Key, Days(20)), Restore(g.Key, Days(2), passed: false, kind: RestoreTestKind.Drill, note: "guest never booted")]
            ),
            CheckIds.RestoreTested
        );
        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Contains("drill", r.Detail, StringComparison.Ordinal);
        Assert.Contains("guest never booted", r.Detail, StringComparison.Ordinal);
    }

    // offsite.present: 3b only, ≤ 8 d.
    [Theory]
    [InlineData(1, CheckStatus.Pass)]
    [InlineData(7, CheckStatus.Warn)]
    [InlineData(9, CheckStatus.Fail)]
    public void Assess_OffsitePbsCopy_JudgesItsAge(double days, CheckStatus expected)
    {
        var g = Guest();
        var r = Check(
            Level.Production,
            EvidenceOf(g, copies: [Pbs(g.Key, Hours(1)), Pbs(g.Key, Days(days), offsite: true, storage: "pbs-offsite")]),
            CheckIds.OffsitePresent
        );
        Assert.Equal(expected, r.Status);
    }

    [Theory]
    [InlineData(2, true, CheckStatus.Pass)]
    [InlineData(-2, false, CheckStatus.Fail)]
    public void Assess_ReplicaOfDumpStorage_CountsOnlyWhenFinishedAfterTheDump(double replicaHoursAfterDump, bool offsite, CheckStatus expected)
    {
        var g = Guest();
        var dump = Dump(g.Key, Hours(10));
        var replica = new StorageReplica("homelab", "nas-dumps", dump.Time + Hours(replicaHoursAfterDump), "nas: Hyper Backup 'to-c2'");
        var r = Check(Level.Production, EvidenceOf(g, copies: [dump], replicas: [replica]), CheckIds.OffsitePresent);
        Assert.Equal(expected, r.Status);
        Assert.Equal(offsite, r.Detail.Contains("Hyper Backup", StringComparison.Ordinal));
    }

    [Fact]
    public void Assess_ReplicaOfAnotherCluster_DoesNotCount()
    {
        var g = Guest();
        var dump = Dump(g.Key, Hours(10));
        var r = Check(
            Level.Production,
            EvidenceOf(g, copies: [dump], replicas: [new StorageReplica("other", "nas-dumps", Now, "x")]),
            CheckIds.OffsitePresent
        );
        Assert.Equal(CheckStatus.Fail, r.Status);
    }

    // coverage.job: levels 2 and 3b.
    [Theory]
    [InlineData(Level.Vps, true, CheckStatus.Pass)]
    [InlineData(Level.Vps, false, CheckStatus.Fail)]
    [InlineData(Level.Production, true, CheckStatus.Pass)]
    [InlineData(Level.Production, false, CheckStatus.Fail)]
    public void Assess_CoverageJob_NeedsAnEnabledJob(Level level, bool enabled, CheckStatus expected)
    {
        var g = Guest();
        var r = Check(level, EvidenceOf(g, jobs: [Job("homelab", enabled, JobSelection.AllGuests())]), CheckIds.CoverageJob);
        Assert.Equal(expected, r.Status);
        if (!enabled)
        {
            Assert.Contains("disabled", r.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("x", 100, true)]
    [InlineData("x", 101, false)]
    public void Assess_CoverageJob_RespectsSelection(string _, int vmid, bool covered)
    {
        var g = Guest(vmid: vmid, pool: "prodpool");
        var jobs = new[]
        {
            Job("homelab", true, JobSelection.AllGuests(new HashSet<int> { 101 }), "all-but-101"),
            Job("other", true, JobSelection.OfVmids(101), "other-cluster"),
            Job("homelab", true, JobSelection.OfPool("nope"), "pool-job"),
        };
        var r = Check(Level.Production, EvidenceOf(g, jobs: jobs), CheckIds.CoverageJob);
        Assert.Equal(covered ? CheckStatus.Pass : CheckStatus.Fail, r.Status);
    }

    // docs.present and intent.consistent: level 3a.
    [Theory]
    [InlineData("rebuild with ansible-playbook lab.yml", CheckStatus.Pass)]
    [InlineData("   ", CheckStatus.Fail)]
    [InlineData(null, CheckStatus.Fail)]
    [InlineData("<!-- selfhostsync:begin -->\nlevel 3a\n<!-- selfhostsync:end -->", CheckStatus.Fail)]
    public void Assess_DocsPresent_NeedsOwnNotes(string? notes, CheckStatus expected)
    {
        var r = Check(Level.Homelab, GuestEvidence.Nothing(Guest(notes: notes)), CheckIds.DocsPresent);
        Assert.Equal(expected, r.Status);
    }

    [Theory]
    [InlineData(false, CheckStatus.Pass)]
    [InlineData(true, CheckStatus.Fail)]
    [InlineData(null, CheckStatus.Unknown)]
    public void Assess_IntentConsistent_FailsForProductionInDenial(bool? inDenial, CheckStatus expected)
    {
        var r = Assert.Single(Assess(Level.Homelab, GuestEvidence.Nothing(Guest()), inDenial), c => c.Id == CheckIds.IntentConsistent);
        Assert.Equal(expected, r.Status);
    }

    // storage.healthy: levels 2 and 3b.
    [Theory]
    [InlineData(Level.Vps, true, CheckStatus.Pass)]
    [InlineData(Level.Vps, false, CheckStatus.Fail)]
    [InlineData(Level.Production, true, CheckStatus.Pass)]
    [InlineData(Level.Production, false, CheckStatus.Fail)]
    public void Assess_StorageHealthy_FollowsTheWatchedVolume(Level level, bool healthy, CheckStatus expected)
    {
        var g = Guest(disks: ["nas-vms"]);
        var r = Check(
            level,
            EvidenceOf(g, health: [new StorageHealth("homelab", "nas-vms", healthy, healthy ? "normal" : "volume_1: degraded")]),
            CheckIds.StorageHealthy
        );
        Assert.Equal(expected, r.Status);
    }

    [Fact]
    public void Assess_StorageHealthy_BackupStorageCountsToo()
    {
        var g = Guest(disks: ["local-zfs"]);
        var r = Check(
            Level.Production,
            EvidenceOf(g, copies: [Dump(g.Key, Hours(2))], health: [new StorageHealth("homelab", "nas-dumps", false, "crashed")]),
            CheckIds.StorageHealthy
        );
        Assert.Equal(CheckStatus.Fail, r.Status);
    }

    [Fact]
    public void Assess_StorageHealthy_NothingOnAWatchedNas_Passes()
    {
        var r = Check(Level.Production, GuestEvidence.Nothing(Guest()), CheckIds.StorageHealthy);
        Assert.Equal(CheckStatus.Pass, r.Status);
    }

    public static TheoryData<EvidenceKind, string> UnknownEvidence =>
        new()
        {
            { EvidenceKind.BackupCopies, CheckIds.BackupPresent },
            { EvidenceKind.BackupCopies, CheckIds.BackupFresh },
            { EvidenceKind.BackupCopies, CheckIds.BackupVerified },
            { EvidenceKind.BackupCopies, CheckIds.OffsitePresent },
            { EvidenceKind.RestoreTests, CheckIds.RestoreTested },
            { EvidenceKind.Replicas, CheckIds.OffsitePresent },
            { EvidenceKind.BackupJobs, CheckIds.CoverageJob },
            { EvidenceKind.StorageHealth, CheckIds.StorageHealthy },
        };

    [Theory]
    [MemberData(nameof(UnknownEvidence))]
    public void Assess_UnknownEvidence_IsUnknownNotPass(EvidenceKind kind, string checkId)
    {
        var g = Guest();
        var r = Check(Level.Production, EvidenceOf(g, copies: [Pbs(g.Key, Hours(1))], tests: [Restore(g.Key, Days(1))], gaps: [Gap(kind)]), checkId);
        Assert.Equal(CheckStatus.Unknown, r.Status);
        Assert.Contains("connection refused", r.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Assess_GapInAnotherCluster_DoesNotTouchThisOne()
    {
        var g = Guest();
        var r = Check(
            Level.Production,
            EvidenceOf(g, copies: [Pbs(g.Key, Hours(1))], gaps: [Gap(EvidenceKind.BackupCopies, cluster: "other")]),
            CheckIds.BackupFresh
        );
        Assert.Equal(CheckStatus.Pass, r.Status);
    }

    [Fact]
    public void Assess_UnreadConfig_DocsUnknown()
    {
        var r = Check(Level.Homelab, GuestEvidence.Nothing(Guest(configKnown: false)), CheckIds.DocsPresent);
        Assert.Equal(CheckStatus.Unknown, r.Status);
    }

    [Fact]
    public void Assess_PolicyOverride_ChangesTheAllowedAge()
    {
        var g = Guest();
        var strict = new PolicyTable(
            new Dictionary<Level, LevelPolicy> { [Level.Production] = PolicyTable.Default.For(Level.Production) with { BackupMaxAge = Hours(6) } }
        );
        var r = GuestAssessor
            .Assess(EvidenceOf(g, copies: [Pbs(g.Key, Hours(7))]), Classified(Level.Production), strict.For(Level.Production), Now)
            .Single(c => c.Id == CheckIds.BackupFresh);
        Assert.Equal(CheckStatus.Fail, r.Status);
    }
}
