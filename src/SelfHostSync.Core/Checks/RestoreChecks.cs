using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Text;

namespace SelfHostSync.Core.Checks;

internal static class RestoreChecks
{
    public static CheckResult Tested(
        Observed<IReadOnlyList<BackupCopy>> copies,
        Observed<IReadOnlyList<RestoreTest>> tests,
        TimeSpan maxAge,
        DateTimeOffset now
    )
    {
        // The copies matter only as "there is something to restore": a copy seen is enough.
        if (!copies.IsKnown && !(copies.IsPartial && copies.Value!.Count > 0))
        {
            return CheckResult.Unknown(CheckIds.RestoreTested, copies.UnknownReason!);
        }

        if (!tests.IsKnown)
        {
            return CheckResult.Unknown(CheckIds.RestoreTested, tests.UnknownReason!);
        }

        var list = tests.Value!;
        var latest = list.MaxBy(t => (t.At, t.Kind));
        if (latest is null)
        {
            return CheckResult.Fail(CheckIds.RestoreTested, "never restored");
        }

        if (!latest.Passed)
        {
            var why = string.IsNullOrWhiteSpace(latest.Note) ? string.Empty : $": {latest.Note}";
            return CheckResult.Fail(
                CheckIds.RestoreTested,
                $"last restore test ({KindName(latest.Kind)}, {Durations.Format(now - latest.At)} ago) failed{why}",
                latest.At
            );
        }

        var passed = list.Where(t => t.Passed).MaxBy(t => (t.At, t.Kind))!;
        return AgeRule.Judge(CheckIds.RestoreTested, $"last successful restore test ({KindName(passed.Kind)})", passed.At, maxAge, now);
    }

    public static string KindName(RestoreTestKind kind) =>
        kind switch
        {
            RestoreTestKind.Drill => "drill",
            RestoreTestKind.Task => "restore task",
            _ => "manual record",
        };
}
