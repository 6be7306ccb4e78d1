using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SelfHostSync.Lab.Pve;

namespace SelfHostSync.Tests.Reliability;

/// <summary>
/// No configured secret in any output, also on failure paths (reliability review L2, T4): a server that echoes a
/// secret in its error text, a failed drill, the run and drill APIs, the dashboard, metrics, the log and the SQLite
/// file itself (database and WAL). Every secret of the demo configuration is scanned for, the drill token's too.
/// </summary>
public sealed class SecretScanTests
{
    private static readonly string[] Secrets =
    [
        "demo-homelab-token",
        "demo-rented-token",
        "demo-pbs-token",
        "demo-offsite-token",
        "demo-nas-password",
        "demo-homelab-drill-token",
    ];

    [Fact]
    public async Task Run_FailurePathsEchoingSecrets_NoSecretInAnyOutputOrTheStateFile()
    {
        await using var daemon = await DaemonProcess.StartAsync(scenario: DemoLab.WithoutPassthrough);
        var homelab = daemon.Run.Lab.Cluster("homelab");

        // A proxy or server that echoes what it was sent: the error text now carries a configured secret.
        daemon.Run.Lab.BackupServer("pbs").Server.Faults.FailPaths["/api2/json/admin/datastore/main/groups"] = (
            400,
            "token demo-pbs-token is not valid here"
        );
        homelab.Server.Faults.FailPaths["/api2/json/cluster/resources"] = (500, "refusing demo-homelab-token");
        homelab.SetDrillFault(100, DrillFault.CorruptSnapshot);
        var (code, stdout, stderr) = await Executable.RunAsync("resync", "--wait", "--config", daemon.Run.ConfigPath);
        Assert.True(code == 0, stderr);
        Assert.Contains("degraded true", stdout, StringComparison.Ordinal);
        homelab.Server.Faults.FailPaths.Clear();
        var runId = stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(w => Guid.TryParse(w, out _));

        using (var status = await daemon.Http.GetFromJsonAsync<JsonDocument>("api/status"))
        using (
            var drill = new HttpRequestMessage(HttpMethod.Post, "api/drills")
            {
                Content = new StringContent("{\"guest\":\"homelab/100\"}", Encoding.UTF8, "application/json"),
            }
        )
        {
            (await daemon.Http.SendAsync(drill)).Dispose();
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await daemon.Http.GetStringAsync("api/drills")).Contains("\"failed\"", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the drill did not fail");
            await Task.Delay(200);
        }

        var pages = new List<string>();
        foreach (
            var path in new[] { "", "metrics", "api/status", "api/guests", "api/drills", "healthz" }.Concat(
                runId is null ? [] : [$"api/runs/{runId}"]
            )
        )
        {
            pages.Add(await daemon.Http.GetStringAsync(path));
        }

        var (_, log) = await daemon.StopAsync();
        var state = Path.Combine(daemon.Run.Directory, "state");
        var files = Directory.GetFiles(state, "selfhostsync.db*").Select(f => Encoding.UTF8.GetString(File.ReadAllBytes(f)));

        Assert.True(pages.Any(p => p.Contains("is not valid here", StringComparison.Ordinal)), $"run {runId}; stdout {stdout}; log {log}");
        var outputs = pages
            .Select((p, i) => ($"page {i}", p))
            .Append(("log", log))
            .Append(("stdout", stdout))
            .Append(("stderr", stderr))
            .Concat(files.Select((f, i) => ($"state file {i}", f)));
        foreach (var (what, text) in outputs)
        {
            foreach (var secret in Secrets)
            {
                var at = text.IndexOf(secret, StringComparison.Ordinal);
                Assert.True(at < 0, $"{secret} in {what}: …{text[Math.Max(0, at - 120)..Math.Min(text.Length, at + 40)]}…");
            }
        }
    }
}
