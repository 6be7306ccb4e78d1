using System.Text.Json;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Tests.Reliability;

/// <summary>
/// A host whose clock ran years ahead once stamped a backup "in 2028" (reliability review M4): it does not make the
/// guest's backups fresh for two years; that copy is unknown, the run says which clock is wrong, no tag changes.
/// </summary>
public sealed class ClockEndToEndTests
{
    [Fact]
    public async Task Sync_BackupDatedYearsAhead_NotFreshFindingNamesTheClockNoTagChange()
    {
        await using var run = await LabRun.StartAsync(editScenario: s =>
            s with
            {
                Clusters =
                [
                    .. s.Clusters.Select(c =>
                        c.Name != "homelab"
                            ? c
                            : c with
                            {
                                Dumps =
                                [
                                    new DumpSpec
                                    {
                                        Storage = "nas-dumps",
                                        Vmid = 130,
                                        AgeHours = 300,
                                    },
                                ],
                            }
                    ),
                ],
            }
        );
        var homelab = run.Lab.Cluster("homelab");
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        var before = homelab.TagsOf(130);

        homelab.Spec.Dumps.Add(
            new DumpSpec
            {
                Storage = "nas-dumps",
                Vmid = 130,
                AgeHours = -2 * 365 * 24,
            }
        );
        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);

        Assert.True(code == 3, stderr);
        Assert.Equal(before, homelab.TagsOf(130));
        using var doc = JsonDocument.Parse(stdout);
        var source = doc.RootElement.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "homelab");
        Assert.Contains("in the future: the clock of pve:homelab", source.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
