using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Policies;
using static SelfHostSync.Core.Tests.Build;

namespace SelfHostSync.Core.Tests.Checks;

/// <summary>
/// Sync jobs partly hidden (PBS lists a sync job only to a token with Remote.Audit on its remote; one PBS's jobs not
/// readable): replicas seen still carry copies off site, but "no offsite copy" is not a conclusion we can draw.
/// </summary>
public sealed class PartialReplicasTests
{
    private static readonly GuestClassification Production = new(Level.Production, IntentSource.Tag, ["test"], true, new ProductionSignals([], []), false);

    private static EvidenceGap HiddenJobs() =>
        new(new EvidenceScope(EvidenceKind.Replicas, null, "sync jobs of pbs"), "pbs:pbs", "PBS lists sync jobs only to remotes the token may audit");

    // (replica seen, expected offsite.present)
    public static TheoryData<string, double?, CheckStatus> Cases => new()
    {
        { "no replica seen", null, CheckStatus.Unknown },
        { "fresh replica seen", 2, CheckStatus.Pass },
        { "only an old replica seen", 24 * 30, CheckStatus.Unknown },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Assess_ReplicasPartlyHidden_SeenOnesStandNoneIsUnknown(string scenario, double? replicaAgeHours, CheckStatus expected)
    {
        var guest = Guest();
        var copy = Pbs(guest.Key, replicaAgeHours is { } h ? Hours(h + 1) : Hours(3));
        StorageReplica[] replicas = replicaAgeHours is { } age ? [new StorageReplica("homelab", "pbs", Now - Hours(age), "PBS sync job s-far → far")] : [];

        var results = GuestAssessor.Assess(EvidenceOf(guest, [copy], replicas: replicas, gaps: [HiddenJobs()]), Production, PolicyTable.Default.For(Level.Production), Now);

        Assert.True(Assert.Single(results, r => r.Id == CheckIds.OffsitePresent).Status == expected, scenario);
    }
}
