using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Evidence;

namespace SelfHostSync.Core.Tests.Checks;

/// <summary>
/// Hosts whose clocks run a little ahead of ours: evidence a few minutes "from the future" counts as new, never as an
/// error. Further ahead it is screened out before the checks (FutureEvidenceTests).
/// </summary>
public sealed class ClockSkewTests
{
    [Fact]
    public void Assess_SnapshotAndRestoreFromTheFuture_CountAsFreshNotFailures()
    {
        var guest = Build.Guest(tags: "prod", onboot: true);
        var copy = Build.Pbs(guest.Key, TimeSpan.FromMinutes(-4));
        var test = Build.Restore(guest.Key, TimeSpan.FromMinutes(-3));
        var evidence = Build.EvidenceOf(guest, copies: [copy], tests: [test], jobs: [Build.Job("homelab", true, JobSelection.AllGuests())]);

        var classified = new SelfHostSync.Core.Classification.GuestClassification(
            SelfHostSync.Core.Matrix.Level.Production,
            SelfHostSync.Core.Classification.IntentSource.Tag,
            ["prod tag"],
            true,
            new SelfHostSync.Core.Classification.ProductionSignals([], []),
            false
        );
        var checks = GuestAssessor.Assess(
            evidence,
            classified,
            SelfHostSync.Core.Policies.PolicyTable.Default.For(SelfHostSync.Core.Matrix.Level.Production),
            Build.Now
        );

        Assert.Equal(CheckStatus.Pass, checks.Single(c => c.Id == CheckIds.BackupFresh).Status);
        Assert.Equal(CheckStatus.Pass, checks.Single(c => c.Id == CheckIds.RestoreTested).Status);
        Assert.Contains("0 s old", checks.Single(c => c.Id == CheckIds.BackupFresh).Detail, StringComparison.Ordinal);
    }
}
