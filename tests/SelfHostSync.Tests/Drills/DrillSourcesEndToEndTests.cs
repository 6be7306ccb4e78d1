using System.Text.Json;

namespace SelfHostSync.Tests.Drills;

/// <summary>Drills of a container (pve-container's restore and <c>link_down</c>) and from a vzdump file on NFS, through the real executable.</summary>
[LongRunning]
public sealed class DrillSourcesEndToEndTests
{
    [Fact]
    public async Task Drill_Container_RestoredIsolatedStartedProbedDestroyedAndAppProbeNotRunForContainers()
    {
        await using var run = await LabRun.StartAsync(editScenario: DemoLab.DrillableContainer);
        var homelab = run.Lab.Cluster("homelab");

        var (code, stdout, stderr) = await Executable.RunAsync("drill", "homelab/121", "--json", "--config", run.ConfigPath);

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var plan = doc.RootElement.GetProperty("plan")[0];
        Assert.Equal("running", plan.GetProperty("probe").GetString());
        var drill = doc.RootElement.GetProperty("drills")[0];
        Assert.Equal("passed", drill.GetProperty("state").GetString());
        Assert.StartsWith("pbs:backup/ct/121/", drill.GetProperty("archive").GetString(), StringComparison.Ordinal);
        var scratch = drill.GetProperty("scratchVmid").GetInt32();
        Assert.False(homelab.Exists(scratch));
        Assert.True(drill.GetProperty("cleanedUp").GetBoolean());

        // pve-container: POST /nodes/{node}/lxc with ostemplate + restore=1; every NIC link_down before the start.
        var restore = homelab.Server.Calls.Single(c => c.Method == "POST" && c.Path.EndsWith("/lxc", StringComparison.Ordinal));
        Assert.Contains("restore", restore.Form);
        Assert.Contains("ostemplate", restore.Form);
        Assert.Contains("link_down=1", homelab.WritesOf(scratch).Single()["net0"], StringComparison.Ordinal);

        // PVE has no exec API for containers: the probe is recorded as not run, with why, never as passed.
        var probe = drill.GetProperty("probes")[0];
        Assert.Equal("system", probe.GetProperty("name").GetString());
        Assert.Equal("notAvailable", probe.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Drill_VzdumpArchiveOnFileStorage_RestoredFromTheNfsDumpAndPassed()
    {
        await using var run = await LabRun.StartAsync();
        var homelab = run.Lab.Cluster("homelab");

        var (code, stdout, stderr) = await Executable.RunAsync("drill", "homelab/130", "--json", "--config", run.ConfigPath);

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var drill = doc.RootElement.GetProperty("drills")[0];
        Assert.Equal("passed", drill.GetProperty("state").GetString());
        Assert.Matches(@"^nas-dumps:backup/vzdump-qemu-130-\d{4}_\d{2}_\d{2}-\d{2}_\d{2}_\d{2}\.vma\.zst$", drill.GetProperty("archive").GetString());
        Assert.False(homelab.Exists(drill.GetProperty("scratchVmid").GetInt32()));
        var restore = homelab.Server.Calls.Single(c => c.Method == "POST" && c.Path.EndsWith("/qemu", StringComparison.Ordinal));
        Assert.Contains("archive", restore.Form);

        // The vzdump file is now the proven restore point, its time read from the file name.
        var (_, json, _) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);
        using var report = JsonDocument.Parse(json);
        var proven = report
            .RootElement.GetProperty("guests")
            .EnumerateArray()
            .Single(g => g.GetProperty("cluster").GetString() == "homelab" && g.GetProperty("vmid").GetInt32() == 130)
            .GetProperty("provenRestorePoint");
        Assert.Equal(drill.GetProperty("archive").GetString(), proven.GetProperty("archive").GetString());
    }
}
