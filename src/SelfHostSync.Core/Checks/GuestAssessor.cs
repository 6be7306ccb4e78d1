using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Policies;

namespace SelfHostSync.Core.Checks;

/// <summary>Runs the checks a guest's level demands (DESIGN §3) over its evidence.</summary>
public static class GuestAssessor
{
    public const string NoBackup = "no backup";

    /// <param name="noteExcerpts">Show the first line of the guest's notes in <c>docs.present</c> (homelab notes may hold credentials).</param>
    public static IReadOnlyList<CheckResult> Assess(
        GuestEvidence evidence,
        GuestClassification classification,
        LevelPolicy policy,
        DateTimeOffset now,
        bool noteExcerpts = true
    )
    {
        var results = new List<CheckResult>();
        var copies = evidence.Copies;
        var noCopy = copies.IsKnown && copies.Value!.Count == 0;

        if (policy.RequireBackup)
        {
            results.Add(BackupChecks.Present(copies));
        }

        if (policy.BackupMaxAge is { } backupMax)
        {
            results.Add(noCopy ? CheckResult.Fail(CheckIds.BackupFresh, NoBackup) : BackupChecks.Fresh(copies, backupMax, now));
        }

        if (policy.VerifyMaxAge is { } verifyMax)
        {
            results.Add(
                noCopy ? CheckResult.Fail(CheckIds.BackupVerified, NoBackup) : BackupChecks.Verified(copies, evidence.RestoreTests, verifyMax, now)
            );
        }

        if (policy.RestoreTestMaxAge is { } restoreMax)
        {
            results.Add(
                noCopy ? CheckResult.Fail(CheckIds.RestoreTested, NoBackup) : RestoreChecks.Tested(copies, evidence.RestoreTests, restoreMax, now)
            );
        }

        if (policy.OffsiteMaxAge is { } offsiteMax)
        {
            results.Add(
                noCopy ? CheckResult.Fail(CheckIds.OffsitePresent, NoBackup) : OffsiteChecks.Present(copies, evidence.Replicas, offsiteMax, now)
            );
        }

        if (policy.RequireJob)
        {
            results.Add(GuestChecks.Job(evidence.CoveringJobs));
        }

        if (policy.RequireDocs)
        {
            results.Add(GuestChecks.Docs(evidence.Guest, noteExcerpts));
        }

        if (policy.RequireIntentConsistency)
        {
            results.Add(GuestChecks.Intent(classification));
        }

        if (policy.RequireHealthyStorage)
        {
            results.Add(GuestChecks.Storage(evidence));
        }

        return results;
    }
}
