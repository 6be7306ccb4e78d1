using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Policies;

namespace SelfHostSync.Core.Inventory;

/// <summary>Checks for inventory entries (DESIGN §3): declared evidence, no tags.</summary>
public static class InventoryAssessor
{
    public static IReadOnlyList<CheckResult> Assess(InventoryEntry entry, LevelPolicy policy, DateTimeOffset now)
    {
        var results = new List<CheckResult>();
        if (entry.Level is Level.Saas or Level.Managed)
        {
            results.Add(
                string.IsNullOrWhiteSpace(entry.DataLocation)
                    ? CheckResult.Fail(CheckIds.DataLocated, "where the data lives is not recorded (DataLocation)")
                    : CheckResult.Pass(CheckIds.DataLocated, $"data in {entry.DataLocation}")
            );
            if (policy.ExportMaxAge is { } exportMax)
            {
                results.Add(
                    Dated(
                        CheckIds.ExportTested,
                        "last tested export",
                        entry.ExportTested,
                        "no data export ever tested (ExportTested)",
                        exportMax,
                        now
                    )
                );
            }

            results.Add(
                entry.Mfa == true
                    ? CheckResult.Pass(CheckIds.MfaEnforced, "MFA enforced")
                    : CheckResult.Fail(CheckIds.MfaEnforced, entry.Mfa is null ? "MFA not recorded (Mfa)" : "MFA not enforced")
            );
        }
        else if (entry.Level == Level.Vps)
        {
            results.Add(
                entry.LastBackup is { } last
                    ? CheckResult.Pass(CheckIds.BackupPresent, $"last backup {last:yyyy-MM-dd}", AtMidnight(last))
                    : CheckResult.Fail(CheckIds.BackupPresent, "no backup recorded (LastBackup)")
            );
            if (policy.RestoreTestMaxAge is { } restoreMax)
            {
                results.Add(
                    Dated(CheckIds.RestoreTested, "last restore test", entry.RestoreTested, "never restored (RestoreTested)", restoreMax, now)
                );
            }

            results.Add(
                string.IsNullOrWhiteSpace(entry.Monitoring)
                    ? CheckResult.Fail(CheckIds.MonitoringPresent, "no monitoring recorded (Monitoring)")
                    : CheckResult.Pass(CheckIds.MonitoringPresent, $"monitored by {entry.Monitoring}")
            );
            if (policy.PatchMaxAge is { } patchMax)
            {
                results.Add(Dated(CheckIds.PatchingRecent, "last patched", entry.Patched, "patching not recorded (Patched)", patchMax, now));
            }
        }

        return results;
    }

    private static CheckResult Dated(string id, string what, DateOnly? date, string missing, TimeSpan maxAge, DateTimeOffset now) =>
        date is { } d ? AgeRule.Judge(id, what, AtMidnight(d), maxAge, now) : CheckResult.Fail(id, missing);

    private static DateTimeOffset AtMidnight(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
