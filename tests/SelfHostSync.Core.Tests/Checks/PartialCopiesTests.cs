using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Policies;
using static SelfHostSync.Core.Tests.Build;

namespace SelfHostSync.Core.Tests.Checks;

/// <summary>
/// Part of a guest's backups (or of the replicas that carry them off site) unreadable or possibly filtered (one storage offline, a node list that failed, a token
/// PVE silently filters): what was seen stands only where more copies could not overturn it (DESIGN §3, §8.3).
/// </summary>
public sealed class PartialCopiesTests
{
    private static readonly GuestClassification Production = new(
        Level.Production,
        IntentSource.Tag,
        ["test"],
        true,
        new ProductionSignals([], []),
        false
    );

    private static EvidenceGap StorageGap(string storage = "nas-dumps", IReadOnlySet<int>? vmids = null) =>
        new(
            new EvidenceScope(EvidenceKind.BackupCopies, "homelab", $"storage {storage}", vmids),
            "pve:homelab",
            $"storage '{storage}' is not online"
        );

    private static IReadOnlyList<CheckResult> Assess(GuestEvidence evidence) =>
        GuestAssessor.Assess(evidence, Production, PolicyTable.Default.For(Level.Production), Now);

    private static CheckStatus StatusOf(IReadOnlyList<CheckResult> results, string id) => Assert.Single(results, r => r.Id == id).Status;

    // (seen copies, expected present, fresh, verified, restore.tested, offsite); restore tested 10 d ago.
    public static TheoryData<string, string, CheckStatus, CheckStatus, CheckStatus, CheckStatus, CheckStatus> Cases =>
        new()
        {
            { "nothing seen", "", CheckStatus.Unknown, CheckStatus.Unknown, CheckStatus.Unknown, CheckStatus.Unknown, CheckStatus.Unknown },
            {
                "fresh verified offsite copy seen",
                "fresh-offsite",
                CheckStatus.Pass,
                CheckStatus.Pass,
                CheckStatus.Unknown,
                CheckStatus.Pass,
                CheckStatus.Pass
            },
            { "only a stale copy seen", "stale", CheckStatus.Pass, CheckStatus.Unknown, CheckStatus.Unknown, CheckStatus.Pass, CheckStatus.Unknown },
            {
                "fresh copy, nothing offsite seen",
                "fresh",
                CheckStatus.Pass,
                CheckStatus.Pass,
                CheckStatus.Unknown,
                CheckStatus.Pass,
                CheckStatus.Unknown
            },
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Assess_CopiesPartlyUnreadable_OnlyWhatMoreCopiesCannotOverturn(
        string scenario,
        string seen,
        CheckStatus present,
        CheckStatus fresh,
        CheckStatus verified,
        CheckStatus restore,
        CheckStatus offsite
    )
    {
        var guest = Guest();
        var copies = seen switch
        {
            "fresh-offsite" => [Pbs(guest.Key, Hours(3), offsite: true)],
            "stale" => [Pbs(guest.Key, Days(5))],
            "fresh" => new[] { Pbs(guest.Key, Hours(3)) },
            _ => [],
        };

        var results = Assess(EvidenceOf(guest, copies, tests: [Restore(guest.Key, Days(10))], gaps: [StorageGap()]));

        Assert.True(StatusOf(results, CheckIds.BackupPresent) == present, scenario);
        Assert.Equal(fresh, StatusOf(results, CheckIds.BackupFresh));
        Assert.Equal(verified, StatusOf(results, CheckIds.BackupVerified));
        Assert.Equal(restore, StatusOf(results, CheckIds.RestoreTested));
        Assert.Equal(offsite, StatusOf(results, CheckIds.OffsitePresent));
    }

    [Fact]
    public void Assess_PartialGapNamesTheMissingPart_UnknownSaysWhy()
    {
        var guest = Guest();

        var results = Assess(EvidenceOf(guest, [], gaps: [StorageGap()]));

        Assert.Contains(
            "storage 'nas-dumps' is not online",
            Assert.Single(results, r => r.Id == CheckIds.BackupPresent).Detail,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public void For_GapLimitedToOtherGuests_ThisGuestKnown()
    {
        var guest = Guest(vmid: 100);

        var evidence = EvidenceOf(guest, [], gaps: [StorageGap(vmids: new HashSet<int> { 101 })]);

        Assert.True(evidence.Copies.IsKnown);
        Assert.Empty(evidence.Copies.Value!);
    }

    [Fact]
    public void For_WholeGapAndPartialGap_WholeWins()
    {
        var guest = Guest();

        var evidence = EvidenceOf(guest, [Pbs(guest.Key, Hours(1))], gaps: [StorageGap(), Gap(EvidenceKind.BackupCopies)]);

        Assert.False(evidence.Copies.IsKnown);
        Assert.False(evidence.Copies.IsPartial);
    }

    [Fact]
    public void Classify_ProtectedCopySeenInPartialListing_SignalPresent()
    {
        var guest = Guest();

        var evidence = EvidenceOf(guest, [Pbs(guest.Key, Hours(1), protectedCopy: true)], gaps: [StorageGap()]);
        var signals = Classifier.Signals(evidence);

        Assert.Contains(signals.Present, s => s.Contains("protected", StringComparison.Ordinal));
    }

    private static EvidenceGap HiddenJobs() =>
        new(new EvidenceScope(EvidenceKind.Replicas, null, "sync jobs of pbs"), "pbs:pbs", "PBS lists sync jobs only to remotes the token may audit");

    // Sync jobs partly hidden (no Remote.Audit, one PBS's jobs unreadable): replicas seen still carry copies off site,
    // but "no offsite copy" is not a conclusion we can draw. (replica seen, expected offsite.present)
    public static TheoryData<string, double?, CheckStatus> ReplicaCases =>
        new()
        {
            { "no replica seen", null, CheckStatus.Unknown },
            { "fresh replica seen", 2, CheckStatus.Pass },
            { "only an old replica seen", 24 * 30, CheckStatus.Unknown },
        };

    [Theory]
    [MemberData(nameof(ReplicaCases))]
    public void Assess_ReplicasPartlyHidden_SeenOnesStandNoneIsUnknown(string scenario, double? replicaAgeHours, CheckStatus expected)
    {
        var guest = Guest();
        var copy = Pbs(guest.Key, replicaAgeHours is { } h ? Hours(h + 1) : Hours(3));
        StorageReplica[] replicas = replicaAgeHours is { } age
            ? [new StorageReplica("homelab", "pbs", Now - Hours(age), "PBS sync job s-far → far")]
            : [];

        var results = Assess(EvidenceOf(guest, [copy], replicas: replicas, gaps: [HiddenJobs()]));

        Assert.True(StatusOf(results, CheckIds.OffsitePresent) == expected, scenario);
    }
}
