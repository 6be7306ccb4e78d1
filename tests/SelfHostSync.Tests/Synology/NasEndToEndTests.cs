using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Tests.Synology;

/// <summary>The NAS as evidence, through the real executable: Hyper Backup as offsite copy, volume health as tags.</summary>
public sealed class NasEndToEndTests
{
    private static LabScenario WithC2SuccessHoursAgo(LabScenario s, double hours) =>
        s with
        {
            Synology =
            [
                .. s.Synology.Select(n =>
                    n with
                    {
                        HyperBackupTasks = [.. n.HyperBackupTasks.Select(t => t.Name == "dumps to C2" ? t with { LastSuccessAgeHours = hours } : t)],
                    }
                ),
            ],
        };

    [Theory]
    [InlineData(6, false)] // succeeded after the newest dump (20 h old): offsite
    [InlineData(200, true)] // last success before every dump (20 h and 188 h old): nothing is off site
    public async Task Sync_VzdumpOnlyGuest_OffsiteOnlyWhenC2RanAfterTheNewestDump(double successHoursAgo, bool warned)
    {
        await using var run = await LabRun.StartAsync(editScenario: s => WithC2SuccessHoursAgo(s, successHoursAgo));

        var (code, _, stderr) = await Executable.RunAsync("sync", "--config", run.ConfigPath);

        Assert.True(code == 0, stderr);
        Assert.Equal(warned, run.Lab.Cluster("homelab").TagsOf(130)!.Split(';').Contains("warn-no-offsite"));
    }

    [Fact]
    public async Task Sync_VolumeRepaired_StorageWarningClears()
    {
        await using var run = await LabRun.StartAsync();
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        Assert.Contains("warn-storage-degraded", run.Lab.Cluster("homelab").TagsOf(130), StringComparison.Ordinal);
        Assert.DoesNotContain("warn-storage-degraded", run.Lab.Cluster("homelab").TagsOf(101), StringComparison.Ordinal);

        var spec = run.Lab.Nas("nas").Spec;
        for (var i = 0; i < spec.Volumes.Count; i++)
        {
            spec.Volumes[i] = spec.Volumes[i] with { Status = "normal" };
        }

        for (var i = 0; i < spec.Pools.Count; i++)
        {
            spec.Pools[i] = spec.Pools[i] with { Status = "normal", DiskFailures = 0 };
        }

        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        Assert.DoesNotContain("warn-storage-degraded", run.Lab.Cluster("homelab").TagsOf(130), StringComparison.Ordinal);
    }
}
