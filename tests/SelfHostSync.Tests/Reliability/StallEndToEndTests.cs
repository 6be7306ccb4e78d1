using System.Net;
using System.Text.Json;
using SelfHostSync.Lab.Hosting;

namespace SelfHostSync.Tests.Reliability;

/// <summary>
/// Answers whose headers arrive and whose body then stalls, or drips a byte at a time (M1): on PVE, PBS and DSM the
/// request's own deadline covers the body, the pass ends degraded with the others read, and the daemon goes on.
/// </summary>
[LongRunning]
public sealed class StallEndToEndTests
{
    /// <summary>Per-request deadlines of a second or two, so the stalls are found quickly (retries included).</summary>
    private static string ShortTimeouts(string text) =>
        text.Replace(
                "\"TokenSecret\": \"demo-homelab-token\",",
                "\"TokenSecret\": \"demo-homelab-token\", \"Timeout\": \"00:00:01\",",
                StringComparison.Ordinal
            )
            .Replace(
                "\"TokenSecret\": \"demo-pbs-token\",",
                "\"TokenSecret\": \"demo-pbs-token\", \"Timeout\": \"00:00:01\",",
                StringComparison.Ordinal
            )
            .Replace(
                "\"Password\": \"demo-nas-password\",",
                "\"Password\": \"demo-nas-password\", \"Timeout\": \"00:00:02\",",
                StringComparison.Ordinal
            );

    public static TheoryData<string, string, bool> Stalls =>
        new()
        {
            { "homelab", "/api2/json/cluster/resources", false },
            { "homelab", "/api2/json/cluster/resources", true },
            { "pbs", "/api2/json/admin/datastore/main/snapshots", false },
            { "nas", "/webapi/entry.cgi", false },
        };

    [Theory]
    [MemberData(nameof(Stalls))]
    public async Task Sync_BodyStallsAfterHeaders_DegradedNamingTheSourceOthersRead(string server, string path, bool drip)
    {
        // The first pass with the default timeouts: one-second ones would fail it on a busy machine.
        await using var run = await LabRun.StartAsync();
        var (first, _, firstErr) = await Executable.RunAsync("sync", "--config", run.ConfigPath);
        Assert.True(first == 0, firstErr);
        await File.WriteAllTextAsync(run.ConfigPath, ShortTimeouts(await File.ReadAllTextAsync(run.ConfigPath)));
        Faults(run, server).StallBodyPaths[path] = drip ? TimeSpan.FromMilliseconds(300) : null;

        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);

        Assert.True(code == 3, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var sources = doc.RootElement.GetProperty("sources").EnumerateArray().ToList();
        var stalled = Assert.Single(sources, s => s.GetProperty("name").GetString() == server);
        Assert.False(stalled.GetProperty("ok").GetBoolean());
        Assert.Contains(sources, s => s.GetProperty("name").GetString() != server && s.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Daemon_SourceStallsInAPass_PassEndsDegradedAndTheNextOneRuns()
    {
        await using var daemon = await DaemonProcess.StartAsync(editConfig: ShortTimeouts);
        daemon.Run.Lab.Cluster("homelab").Server.Faults.StallBodyPaths["/api2/json/cluster/resources"] = null;

        var (code, stdout, stderr) = await Executable.RunAsync("resync", "--wait", "--config", daemon.Run.ConfigPath);

        Assert.True(code == 0, stderr);
        Assert.Contains("degraded true", stdout, StringComparison.Ordinal);
        var health = await daemon.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("degraded", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        daemon.Run.Lab.Cluster("homelab").Server.Faults.StallBodyPaths.Clear();
        (code, stdout, stderr) = await Executable.RunAsync("resync", "--wait", "--config", daemon.Run.ConfigPath);
        Assert.True(code == 0, stderr);
        Assert.Contains("degraded false", stdout, StringComparison.Ordinal);
    }

    private static LabFaults Faults(LabRun run, string server) =>
        server switch
        {
            "nas" => run.Lab.Nas("nas").Server.Faults,
            "pbs" => run.Lab.BackupServer("pbs").Server.Faults,
            _ => run.Lab.Cluster(server).Server.Faults,
        };
}
