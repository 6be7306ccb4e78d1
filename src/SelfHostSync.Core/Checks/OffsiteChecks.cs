using SelfHostSync.Core.Evidence;

namespace SelfHostSync.Core.Checks;

internal static class OffsiteChecks
{
    public static CheckResult Present(
        Observed<IReadOnlyList<BackupCopy>> copies,
        Observed<IReadOnlyList<StorageReplica>> replicas,
        TimeSpan maxAge,
        DateTimeOffset now)
    {
        if (!copies.IsKnown)
        {
            return CheckResult.Unknown(CheckIds.OffsitePresent, copies.UnknownReason!);
        }

        if (!replicas.IsKnown)
        {
            return CheckResult.Unknown(CheckIds.OffsitePresent, replicas.UnknownReason!);
        }

        var best = (At: DateTimeOffset.MinValue, Via: (string?)null);
        foreach (var copy in copies.Value!)
        {
            if (copy.Offsite && copy.Time > best.At)
            {
                best = (copy.Time, copy.Location);
            }

            if (copy.StorageId is null)
            {
                continue;
            }

            // A replica of the storage that finished after the copy was written carries that copy off site.
            foreach (var replica in replicas.Value!)
            {
                if (string.Equals(replica.StorageId, copy.StorageId, StringComparison.Ordinal)
                    && replica.CompletedAt >= copy.Time
                    && copy.Time > best.At)
                {
                    best = (copy.Time, replica.Via);
                }
            }
        }

        return best.Via is null
            ? CheckResult.Fail(CheckIds.OffsitePresent, "no offsite copy")
            : AgeRule.Judge(CheckIds.OffsitePresent, $"newest offsite copy ({best.Via})", best.At, maxAge, now);
    }
}
