using SelfHostSync.Core.Evidence;

namespace SelfHostSync.Core.Checks;

internal static class OffsiteChecks
{
    public static CheckResult Present(
        Observed<IReadOnlyList<BackupCopy>> copies,
        Observed<IReadOnlyList<StorageReplica>> replicas,
        TimeSpan maxAge,
        DateTimeOffset now
    )
    {
        if (!copies.IsKnown && !copies.IsPartial)
        {
            return CheckResult.Unknown(CheckIds.OffsitePresent, copies.UnknownReason!);
        }

        var best = (At: DateTimeOffset.MinValue, Via: (string?)null);
        foreach (var copy in copies.Value!)
        {
            if (copy.Offsite && copy.Time > best.At)
            {
                best = (copy.Time, copy.Location);
            }

            if (copy.StorageId is null || replicas.Value is null)
            {
                continue;
            }

            // A replica of the storage that finished after the copy was written carries that copy off site.
            foreach (var replica in replicas.Value!)
            {
                if (
                    string.Equals(replica.StorageId, copy.StorageId, StringComparison.Ordinal)
                    && replica.CompletedAt >= copy.Time
                    && copy.Time > best.At
                )
                {
                    best = (copy.Time, replica.Via);
                }
            }
        }

        if (best.Via is null)
        {
            return !copies.IsKnown ? CheckResult.Unknown(CheckIds.OffsitePresent, copies.UnknownReason!)
                : replicas.IsKnown ? CheckResult.Fail(CheckIds.OffsitePresent, "no offsite copy")
                : CheckResult.Unknown(CheckIds.OffsitePresent, replicas.UnknownReason!);
        }

        // A copy seen directly on an offsite server stands even when replica evidence is unreadable, unless a replica
        // (which we cannot see now) might be newer and turn a failing age into a pass.
        // Copies we could not read can only add newer offsite copies: only a passing age seen stands.
        var judged = AgeRule.Judge(CheckIds.OffsitePresent, $"newest offsite copy ({best.Via})", best.At, maxAge, now);
        if (judged.Status != CheckStatus.Pass && !copies.IsKnown)
        {
            return CheckResult.Unknown(CheckIds.OffsitePresent, copies.UnknownReason!);
        }

        return replicas.IsKnown || judged.Status != CheckStatus.Fail ? judged : CheckResult.Unknown(CheckIds.OffsitePresent, replicas.UnknownReason!);
    }
}
