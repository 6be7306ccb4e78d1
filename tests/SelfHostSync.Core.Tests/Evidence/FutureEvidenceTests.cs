using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using static SelfHostSync.Core.Tests.Build;

namespace SelfHostSync.Core.Tests.Evidence;

/// <summary>Evidence from a clock that ran ahead (reliability review M4): a few minutes is normal, more is unknown.</summary>
public sealed class FutureEvidenceTests
{
    private static readonly GuestKey G100 = new("homelab", 100);
    private static readonly GuestKey G101 = new("homelab", 101);

    public static TheoryData<string, double, bool> Cases =>
        new()
        {
            { "an hour old", 1, true },
            { "4 minutes ahead (clocks a little apart)", -4.0 / 60, true },
            { "10 minutes ahead", -10.0 / 60, false },
            { "two years ahead", -2 * 365 * 24, false },
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Screen_CopyOfAGivenAge_KeptOnlyWithinTolerance(string scenario, double ageHours, bool kept)
    {
        var batch = new EvidenceBatch { Copies = [Pbs(G100, Hours(ageHours)), Pbs(G101, Hours(2))] };

        var screened = FutureEvidence.Screen(batch, "pbs:pbs", Now);

        Assert.True(screened.Copies.Any(c => c.Guest == G100) == kept, scenario);
        Assert.Contains(screened.Copies, c => c.Guest == G101);
        if (!kept)
        {
            var gap = Assert.Single(screened.Gaps);
            Assert.True(gap.Scope.IsPartial);
            Assert.Equal([100], gap.Scope.Vmids!);
            Assert.Contains("the clock of pbs:pbs", Assert.Single(screened.Findings), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Screen_RestoreTestAndReplicaFromTheFuture_UnknownForTheirGuestAndCluster()
    {
        var batch = new EvidenceBatch
        {
            RestoreTests = [Restore(G100, Days(-30))],
            Replicas = [new StorageReplica("homelab", "pbs", Now + Days(400), "sync job")],
        };

        var screened = FutureEvidence.Screen(batch, "pve:homelab", Now);

        Assert.Empty(screened.RestoreTests);
        Assert.Empty(screened.Replicas);
        Assert.Contains(screened.Gaps, g => g.Scope is { Kind: EvidenceKind.RestoreTests, Cluster: "homelab" } && g.Scope.Vmids!.Contains(100));
        Assert.Contains(screened.Gaps, g => g.Scope is { Kind: EvidenceKind.Replicas, Cluster: "homelab", IsPartial: true });
        Assert.Contains(screened.Findings, f =>
            f.Contains("1 replica(s) dated up to 400 d in the future", StringComparison.Ordinal)
            || f.Contains("replica(s) dated up to", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void For_GuestWithOnlyAFutureCopy_BackupFreshUnknownNotPass()
    {
        var guest = Guest(100, tags: "prod");
        var screened = FutureEvidence.Screen(new EvidenceBatch { Guests = [guest], Copies = [Pbs(G100, Days(-700))] }, "pbs:pbs", Now);

        var evidence = new EvidenceSet([guest], screened.Copies, [], [], [], [], screened.Gaps).For(guest);

        Assert.False(evidence.Copies.IsKnown);
        Assert.Empty(evidence.Copies.Value ?? []);
    }
}
