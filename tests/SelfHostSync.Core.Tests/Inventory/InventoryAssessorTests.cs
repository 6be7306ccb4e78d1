using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Inventory;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Policies;
using static SelfHostSync.Core.Tests.Build;

namespace SelfHostSync.Core.Tests.Inventory;

public sealed class InventoryAssessorTests
{
    private static IReadOnlyList<CheckResult> Assess(InventoryEntry e) => InventoryAssessor.Assess(e, PolicyTable.Default.For(e.Level), Now);

    [Theory]
    [InlineData(Level.Saas)]
    [InlineData(Level.Managed)]
    public void Assess_SaasOrManaged_ChecksDataExportAndMfa(Level level)
    {
        var good = Assess(
            new InventoryEntry
            {
                Name = "Mail",
                Level = level,
                DataLocation = "EU",
                Mfa = true,
                ExportTested = new DateOnly(2026, 10, 1),
            }
        );
        Assert.Equal([CheckIds.DataLocated, CheckIds.ExportTested, CheckIds.MfaEnforced], good.Select(c => c.Id));
        Assert.All(good, c => Assert.Equal(CheckStatus.Pass, c.Status));

        var bad = Assess(
            new InventoryEntry
            {
                Name = "Mail",
                Level = level,
                Mfa = false,
                ExportTested = new DateOnly(2025, 1, 1),
            }
        );
        Assert.All(bad, c => Assert.Equal(CheckStatus.Fail, c.Status));
    }

    [Fact]
    public void Assess_Vps_ChecksBackupRestoreMonitoringPatching()
    {
        var entry = new InventoryEntry
        {
            Name = "nyc-vps",
            Level = Level.Vps,
            LastBackup = new DateOnly(2026, 11, 24),
            RestoreTested = new DateOnly(2026, 9, 30),
            Monitoring = "uptime-kuma",
            Patched = new DateOnly(2026, 11, 20),
        };
        var results = Assess(entry);
        Assert.Equal(
            [CheckIds.BackupPresent, CheckIds.RestoreTested, CheckIds.MonitoringPresent, CheckIds.PatchingRecent],
            results.Select(c => c.Id)
        );
        Assert.All(results, c => Assert.Equal(CheckStatus.Pass, c.Status));

        var stale = Assess(entry with { Patched = new DateOnly(2026, 9, 1), Monitoring = null, LastBackup = null });
        Assert.All(stale.Where(c => c.Id != CheckIds.RestoreTested), c => Assert.Equal(CheckStatus.Fail, c.Status));
    }
}
