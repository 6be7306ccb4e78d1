using System.Text.Json;
using SelfHostSync.Lab.Pve;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace SelfHostSync.Tests.Drills;

/// <summary>What follows a drill, through the real executable: ProtectProven on the lab's PBS, and escalation after failures in a row.</summary>
[LongRunning]
public sealed class ProvenDrillEndToEndTests
{
    [Fact]
    public async Task Drill_ProtectProven_PruneKeepsTheProvenSnapshotAndTheNextProvenReleasesIt()
    {
        await using var run = await LabRun.StartAsync(
            text => text.Replace("\"RestoreDrills\": {", "\"RestoreDrills\": { \"ProtectProven\": true,", StringComparison.Ordinal),
            DemoLab.WithoutPassthrough
        );
        var pbs = run.Lab.BackupServer("pbs");
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);

        var first = await DrillAsync(run);
        Assert.True(Group(run)[0] is { Protected: true } newest && newest.Time == first, "the drilled (newest) snapshot is protected");
        Assert.Single(Group(run), s => s.Protected);

        // A prune job after a new backup: keep-last 1 keeps the new one and, protected, the proven one.
        pbs.AddSnapshot("main", "homelab", "vm", 100, DateTimeOffset.UtcNow);
        pbs.Prune("main", "homelab", "vm", 100, keepLast: 1, DateTimeOffset.UtcNow);
        Assert.Equal(2, Group(run).Count);
        Assert.Contains(Group(run), s => s.Time == first && s.Protected);

        // The next drill proves the new backup: it is protected, the first one released (keep 1), and a prune removes it.
        var second = await DrillAsync(run);
        Assert.NotEqual(first, second);
        Assert.Equal([(second, true), (first, false)], Group(run));
        pbs.AddSnapshot("main", "homelab", "vm", 100, DateTimeOffset.UtcNow.AddSeconds(1));
        pbs.Prune("main", "homelab", "vm", 100, keepLast: 1, DateTimeOffset.UtcNow);
        Assert.DoesNotContain(Group(run), s => s.Time == first);
        Assert.Contains(Group(run), s => s.Time == second && s.Protected);

        // That our flags are no production signal is SyncPassTests.RunAsync_ProtectedBackupOfOurOwn_IsNoProductionSignal.
    }

    [Fact]
    public async Task Drill_ThreeFailuresInARow_ExactlyOneEscalatedNotification()
    {
        using var hooks = WireMockServer.Start();
        hooks.Given(Request.Create().WithPath("/hook").UsingPost()).RespondWith(Response.Create().WithStatusCode(204));
        await using var run = await LabRun.StartAsync(text =>
            text.Replace(
                "\"RestoreDrills\": {",
                $"\"Notifications\": {{ \"Webhooks\": [ {{ \"Url\": \"{hooks.Url}/hook\" }} ] }}, \"RestoreDrills\": {{",
                StringComparison.Ordinal
            )
        );
        run.Lab.Cluster("homelab").SetDrillFault(101, DrillFault.CorruptSnapshot);

        var counts = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var (code, stdout, stderr) = await Executable.RunAsync("drill", "homelab/101", "--json", "--config", run.ConfigPath);
            Assert.True(code == 4, stderr);
            using var doc = JsonDocument.Parse(stdout);
            counts.Add(doc.RootElement.GetProperty("drills")[0].GetProperty("failedInRow").GetInt32());
        }

        Assert.Equal([1, 2, 3, 4], counts);
        var escalations = hooks
            .LogEntries.Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement)
            .Where(m => m.GetProperty("kind").GetString() == "escalation")
            .ToList();
        var message = Assert.Single(escalations);
        Assert.Equal("SelfHostSync: restore drills of nextcloud (homelab/101) failed 3 times in a row", message.GetProperty("title").GetString());
        Assert.Contains("phases: restore", message.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, message.GetProperty("severity").GetInt32());
    }

    private static List<(DateTimeOffset Time, bool Protected)> Group(LabRun run) =>
        [.. run.Lab.BackupServer("pbs").GroupOf("main", "homelab", "vm", 100)];

    /// <summary>Drills homelab/100 (must pass) and answers the time of the snapshot it restored.</summary>
    private static async Task<DateTimeOffset> DrillAsync(LabRun run)
    {
        var (code, stdout, stderr) = await Executable.RunAsync("drill", "homelab/100", "--json", "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var archive = doc.RootElement.GetProperty("drills")[0].GetProperty("archive").GetString()!;
        return DateTimeOffset.Parse(archive.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
