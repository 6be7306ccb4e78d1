using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SelfHostSync.Tests.Control;

/// <summary>
/// PVE and PBS webhook targets calling the running daemon (<c>POST /api/hooks/proxmox</c>) with bodies as proxmox-notify
/// renders the documented template, without a Content-Type (proxmox-notify sends none).
/// </summary>
[LongRunning]
public sealed class HookEndToEndTests
{
    private const string PveBackup = """
        {"title": "vzdump backup status (pve1.lan): backup successful\n", "message": "\nDetails\n=======\nVMID    Name         Status    Time      Size       Filename                       \n100     inference    ok        1m 5s     2 GiB      vm/100/2026-12-03T02:00:03Z    \n\nTotal running time: 1m 5s\nTotal size: 2 GiB\n\nLogs\n====\nvzdump 100 --storage pbs --mode snapshot\n", "severity": "info", "timestamp": 1764727207, "fields": {"hostname":"pve1","job-id":"backup-nightly","type":"vzdump"}}
        """;

    private const string PbsVerify = """
        {"title": "Verify Datastore 'main' successful\n", "message": "\nJob ID:    v-homelab\nDatastore: main\n\nVerification successful.\n", "severity": "info", "timestamp": 1764730000, "fields": {"datastore":"main","hostname":"pbs","job-id":"v-homelab","type":"verify"}}
        """;

    private const string PackageUpdates = """
        {"title": "New software packages available (pve1.lan)", "message": "…", "severity": "info", "timestamp": 1764730000, "fields": {"hostname":"pve1","type":"package-updates"}}
        """;

    [Fact]
    public async Task Hook_BackupNotification_PassWithinSecondsAndRecordedWrongSecretRefused()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var http = daemon.Http;
        var homelab = daemon.Run.Lab.Cluster("homelab");
        var lastRun = await LastRunAsync(http);

        // Without the secret, or with a wrong one: 401, and nothing runs.
        using (var missing = await PostAsync(http, PveBackup, null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        }

        using (var wrong = await PostAsync(http, PveBackup, DaemonProcess.HookSecret[..^1] + "x"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        await Task.Delay(1000);
        Assert.Equal(lastRun, await LastRunAsync(http));

        // Someone stripped guest 100's tags; the backup job's notification brings them back without waiting for the schedule.
        homelab.SetTags(100, "gpu;prod");
        using (var accepted = await PostAsync(http, PveBackup, DaemonProcess.HookSecret))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (homelab.TagsOf(100)?.Contains("level-3b", StringComparison.Ordinal) != true)
        {
            Assert.True(DateTime.UtcNow < deadline, "the webhook did not lead to a pass");
            await Task.Delay(200);
        }

        using (var verify = await PostAsync(http, PbsVerify, DaemonProcess.HookSecret))
        {
            Assert.Equal(HttpStatusCode.Accepted, verify.StatusCode);
        }

        using (var ignored = await PostAsync(http, PackageUpdates, DaemonProcess.HookSecret))
        {
            Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
        }

        // Recorded: what came from where, and what it triggered.
        using var status = await http.GetFromJsonAsync<JsonDocument>("api/status");
        var hooks = status!.RootElement.GetProperty("hooks").EnumerateArray().ToList();
        Assert.Equal(["package-updates", "verify", "vzdump"], hooks.Select(h => h.GetProperty("type").GetString()));
        Assert.Equal(["ignored", "pass", "pass"], hooks.Select(h => h.GetProperty("outcome").GetString()));
        Assert.Equal([100], hooks[2].GetProperty("guests").EnumerateArray().Select(g => g.GetInt32()));
        Assert.Equal("main", hooks[1].GetProperty("datastore").GetString());
        Assert.Contains("Webhook events", await http.GetStringAsync("/"), StringComparison.Ordinal);

        var (_, log) = await daemon.StopAsync();
        Assert.DoesNotContain(DaemonProcess.HookSecret, log, StringComparison.Ordinal);
    }

    private static async Task<string?> LastRunAsync(HttpClient http)
    {
        using var status = await http.GetFromJsonAsync<JsonDocument>("api/status");
        return status!.RootElement.GetProperty("lastRun").GetProperty("runId").GetString();
    }

    /// <summary>As proxmox-notify posts: the rendered body, no Content-Type, the configured header.</summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string body, string? secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/hooks/proxmox")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        if (secret is not null)
        {
            request.Headers.Add("X-SelfHostSync-Secret", secret);
        }

        return await http.SendAsync(request);
    }
}
