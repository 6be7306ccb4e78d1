using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Tests.Evidence;

public sealed class EvidenceSetTests
{
    [Fact]
    public void For_GuestInJobButPveSaysNotBackedUp_NoCoveringJob()
    {
        var guest = Build.Guest(pool: "production");
        var batch = new EvidenceBatch
        {
            Guests = [guest],
            Jobs = [Build.Job("homelab", true, JobSelection.OfPool("production"))],
            NotBackedUp = [guest.Key],
        };

        var evidence = EvidenceSet.From([batch], []).For(guest);

        Assert.Empty(evidence.CoveringJobs.Value!);
    }

    [Fact]
    public void For_NotBackedUpInOtherCluster_DoesNotMix()
    {
        var guest = Build.Guest(vmid: 100, cluster: "homelab");
        var batch = new EvidenceBatch
        {
            Guests = [guest],
            Jobs = [Build.Job("homelab", true, JobSelection.OfVmids(100))],
            NotBackedUp = [new GuestKey("rented", 100)],
        };

        var evidence = EvidenceSet.From([batch], []).For(guest);

        Assert.Single(evidence.CoveringJobs.Value!);
    }
}
