using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Text;

namespace SelfHostSync.Core.Checks;

internal static class GuestChecks
{
    public static CheckResult Job(Observed<IReadOnlyList<BackupJob>> jobs)
    {
        if (!jobs.IsKnown)
        {
            return CheckResult.Unknown(CheckIds.CoverageJob, jobs.UnknownReason!);
        }

        var enabled = jobs.Value!.Where(j => j.Enabled).ToList();
        if (enabled.Count > 0)
        {
            var job = enabled[0];
            return CheckResult.Pass(CheckIds.CoverageJob, job.Schedule is null ? $"in job {job.Id}" : $"in job {job.Id} ({job.Schedule})");
        }

        return jobs.Value!.Count > 0
            ? CheckResult.Fail(CheckIds.CoverageJob, $"only in disabled job {jobs.Value![0].Id}")
            : CheckResult.Fail(CheckIds.CoverageJob, "not in any scheduled backup job");
    }

    public static CheckResult Docs(Guest guest, bool excerpt = true)
    {
        if (guest.Config is null)
        {
            return CheckResult.Unknown(CheckIds.DocsPresent, "guest configuration could not be read");
        }

        var notes = Notes.WithoutManagedBlock(guest.Config.Description);
        return string.IsNullOrWhiteSpace(notes)
            ? CheckResult.Fail(CheckIds.DocsPresent, "no notes: a lab must be rebuildable from documentation")
            : CheckResult.Pass(
                CheckIds.DocsPresent,
                excerpt ? $"notes: {Notes.FirstLine(notes)}" : $"notes present ({notes.Split('\n').Length} line(s); excerpts off)"
            );
    }

    public static CheckResult Intent(GuestClassification classification) =>
        classification.InDenial switch
        {
            true => CheckResult.Fail(
                CheckIds.IntentConsistent,
                $"declared lab but shows {classification.Signals.Count} production signals ({string.Join(", ", classification.Signals.Present)}): production in denial"
            ),
            null => CheckResult.Unknown(
                CheckIds.IntentConsistent,
                $"production signals could not be read ({string.Join(", ", classification.Signals.Unknown)})"
            ),
            _ => CheckResult.Pass(
                CheckIds.IntentConsistent,
                classification.Signals.Count == 0
                    ? "no production signals"
                    : $"production signals ({string.Join(", ", classification.Signals.Present)}) below threshold"
            ),
        };

    public static CheckResult Storage(GuestEvidence evidence)
    {
        if (!evidence.StorageHealth.IsKnown)
        {
            return CheckResult.Unknown(CheckIds.StorageHealthy, evidence.StorageHealth.UnknownReason!);
        }

        var unhealthy = evidence.StorageHealth.Value!.Where(h => !h.Healthy).ToList();
        if (unhealthy.Count > 0)
        {
            return CheckResult.Fail(CheckIds.StorageHealthy, string.Join("; ", unhealthy.Select(h => $"{h.StorageId}: {h.Detail}")));
        }

        if (evidence.Guest.Config is null)
        {
            return CheckResult.Unknown(CheckIds.StorageHealthy, "guest configuration (disk storages) could not be read");
        }

        return evidence.StorageHealth.Value!.Count == 0
            ? CheckResult.Pass(CheckIds.StorageHealthy, "no disk or backup on a watched NAS")
            : CheckResult.Pass(CheckIds.StorageHealthy, string.Join("; ", evidence.StorageHealth.Value!.Select(h => $"{h.StorageId}: {h.Detail}")));
    }
}
