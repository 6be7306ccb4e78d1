using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Text;

namespace SelfHostSync.Core.Checks;

internal static class BackupChecks
{
    public static CheckResult Present(Observed<IReadOnlyList<BackupCopy>> copies)
    {
        // Part of the copies unreadable: one copy seen is proof enough; none seen proves nothing.
        if (!copies.IsKnown && !(copies.IsPartial && copies.Value!.Count > 0))
        {
            return CheckResult.Unknown(CheckIds.BackupPresent, copies.UnknownReason!);
        }

        var list = copies.Value!;
        if (list.Count == 0)
        {
            return CheckResult.Fail(CheckIds.BackupPresent, GuestAssessor.NoBackup);
        }

        var places = list.Select(c => c.Location).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var newest = list.Max(c => c.Time);
        return CheckResult.Pass(
            CheckIds.BackupPresent,
            $"{list.Count} {(list.Count == 1 ? "copy" : "copies")} on {string.Join(", ", places)}",
            newest
        );
    }

    public static CheckResult Fresh(Observed<IReadOnlyList<BackupCopy>> copies, TimeSpan maxAge, DateTimeOffset now)
    {
        if (!copies.IsKnown && !(copies.IsPartial && copies.Value!.Count > 0))
        {
            return CheckResult.Unknown(CheckIds.BackupFresh, copies.UnknownReason!);
        }

        var newest = copies.Value!.MaxBy(c => c.Time)!;
        var judged = AgeRule.Judge(CheckIds.BackupFresh, "newest backup", newest.Time, maxAge, now);

        // An unread copy can only be newer: a fresh copy seen stands, anything else might be overturned.
        return copies.IsKnown || judged.Status == CheckStatus.Pass ? judged : CheckResult.Unknown(CheckIds.BackupFresh, copies.UnknownReason!);
    }

    public static CheckResult Verified(
        Observed<IReadOnlyList<BackupCopy>> copies,
        Observed<IReadOnlyList<RestoreTest>> tests,
        TimeSpan maxAge,
        DateTimeOffset now
    )
    {
        // Not monotone (an unread newer copy may have failed verification): partial copies leave it unknown.
        if (!copies.IsKnown)
        {
            return CheckResult.Unknown(CheckIds.BackupVerified, copies.UnknownReason!);
        }

        var list = copies.Value!;
        var newest = list.MaxBy(c => c.Time)!;
        if (newest.Kind == BackupCopyKind.PbsSnapshot && newest.Verification == VerificationState.Failed)
        {
            return CheckResult.Fail(
                CheckIds.BackupVerified,
                $"newest snapshot ({Durations.Format(now - newest.Time)} old, {newest.Location}) failed verification",
                newest.Time
            );
        }

        var verified = list.Where(c => c.Kind == BackupCopyKind.PbsSnapshot && c.Verification == VerificationState.Ok).MaxBy(c => c.Time);

        // Copies PBS cannot verify (vzdump files): a successful restore test stands in for verification.
        RestoreTest? restored = null;
        if (list.Any(c => c.Kind == BackupCopyKind.VzdumpFile))
        {
            if (!tests.IsKnown && verified is null)
            {
                return CheckResult.Unknown(CheckIds.BackupVerified, tests.UnknownReason!);
            }

            restored = tests.IsKnown ? tests.Value!.Where(t => t.Passed).MaxBy(t => t.At) : null;
        }

        if (verified is null && restored is null)
        {
            return CheckResult.Fail(
                CheckIds.BackupVerified,
                list.Any(c => c.Kind == BackupCopyKind.PbsSnapshot) ? "no verified snapshot" : "vzdump files cannot be verified and none was restored"
            );
        }

        if (restored is not null && (verified is null || restored.At > verified.Time))
        {
            return AgeRule.Judge(CheckIds.BackupVerified, "newest successful restore test (stands in for verification)", restored.At, maxAge, now);
        }

        return AgeRule.Judge(CheckIds.BackupVerified, "newest verified snapshot", verified!.Time, maxAge, now);
    }
}
