using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SelfHostSync.Tests;

/// <summary>`selfhostsync run` as a process against the lab: control API, resync, status, graceful stop.</summary>
[LongRunning]
public sealed class DaemonEndToEndTests
{
    [Fact]
    public async Task Run_StartPassThenResyncWait_CoalescesAndStopsCleanly()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var (run, http) = (daemon.Run, daemon.Http);
        {
            // The start-up pass wrote the design tags.
            Assert.Equal("gpu;level-3b;prod;warn-no-offsite;warn-restore-untested", run.Lab.Cluster("homelab").TagsOf(100));

            var (code, stdout, stderr) = await Executable.RunAsync("resync", "--wait", "--config", run.ConfigPath);
            Assert.True(code == 0, stderr);
            Assert.Matches("run .+ done: 10 guests, 0 writes, degraded false", stdout);

            // Ten concurrent requests while nothing runs: one pass answers them all.
            var ids = await Task.WhenAll(
                Enumerable
                    .Range(0, 10)
                    .Select(async _ =>
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, "api/sync");
                        using var response = await http.SendAsync(request);
                        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                        return body.RootElement.GetProperty("runId").GetString()!;
                    })
            );

            Assert.Single(ids.Distinct());

            var (stopCode, log) = await daemon.StopAsync();
            Assert.Equal(0, stopCode);
            Assert.DoesNotContain("demo-homelab-token", log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ControlApi_PostBySiteHeaders_ScriptsAndOwnPageAcceptedCrossSiteRefused()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var http = daemon.Http;
        var self = http.BaseAddress!.GetLeftPart(UriPartial.Authority);
        using var before = await http.GetFromJsonAsync<JsonDocument>("api/status");
        var lastRun = before!.RootElement.GetProperty("lastRun").GetProperty("runId").GetString();

        // What a page of another site can make a browser send: refused, and nothing runs.
        foreach (
            var (site, origin) in new[]
            {
                ("cross-site", "http://evil.example"),
                ("same-site", "http://127.0.0.1:3000"), // another web app on the same host is same-site
                (null, "http://evil.example"), // a browser without Fetch Metadata
                (null, "null"),
            }
        )
        {
            using var response = await PostSyncAsync(http, site, origin);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("refused", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await Task.Delay(1000);
        using var after = await http.GetFromJsonAsync<JsonDocument>("api/status");
        Assert.False(after!.RootElement.GetProperty("running").GetBoolean(), "a refused request started a pass");
        Assert.Equal(lastRun, after.RootElement.GetProperty("lastRun").GetProperty("runId").GetString());

        // curl, a cron script, Home Assistant's rest_command (no browser headers), and the dashboard's own button.
        foreach (var (site, origin) in new[] { ((string?)null, (string?)null), ("same-origin", self), (null, self), ("none", null) })
        {
            using var response = await PostSyncAsync(http, site, origin);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        using var missing = await http.GetAsync("api/guests/homelab/999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var guest = await http.GetFromJsonAsync<JsonDocument>("api/guests/homelab/121");
        Assert.Equal("3a", guest!.RootElement.GetProperty("level").GetString());
        await daemon.StopAsync();
    }

    private static async Task<HttpResponseMessage> PostSyncAsync(HttpClient http, string? fetchSite, string? origin)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, "api/sync");
        if (fetchSite is not null)
        {
            post.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        if (origin is not null)
        {
            post.Headers.Add("Origin", origin);
        }

        return await http.SendAsync(post);
    }

    [Fact]
    public async Task ControlApi_WithToken_NeedsBearerEvenFromScripts()
    {
        const string Token = "0123456789abcdef0123456789abcdef";
        await using var daemon = await DaemonProcess.StartAsync(Token);
        var (run, http) = (daemon.Run, daemon.Http);
        {
            using var anonymous = await http.GetAsync("api/status");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            using var wrong = new HttpRequestMessage(HttpMethod.Get, "api/status");
            wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token[..^1] + "0");
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);

            using var post = new HttpRequestMessage(HttpMethod.Post, "api/sync");
            post.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
            Assert.Equal(HttpStatusCode.Accepted, (await http.SendAsync(post)).StatusCode);

            // resync finds the token in the same configuration.
            var (code, _, stderr) = await Executable.RunAsync("resync", "--config", run.ConfigPath);
            Assert.True(code == 0, stderr);
            var (_, log) = await daemon.StopAsync();
            Assert.DoesNotContain(Token, log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ControlApi_ForeignHostHeader_RefusedAgainstDnsRebinding()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var (run, http) = (daemon.Run, daemon.Http);
        {
            using var rebound = new HttpRequestMessage(HttpMethod.Get, "api/status");
            rebound.Headers.Host = "attacker.example";
            Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(rebound)).StatusCode);
            using var local = new HttpRequestMessage(HttpMethod.Get, "api/status");
            local.Headers.Host = "localhost";
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(local)).StatusCode);

            using var text = new HttpRequestMessage(HttpMethod.Post, "api/restore-tests")
            {
                Content = new StringContent("{\"cluster\":\"homelab\",\"vmid\":100,\"result\":\"passed\"}"),
            };
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await http.SendAsync(text)).StatusCode);
            for (var i = 0; i < 2; i++)
            {
                using var json = new HttpRequestMessage(HttpMethod.Post, "api/restore-tests")
                {
                    Content = JsonContent.Create(
                        new
                        {
                            cluster = "homelab",
                            vmid = 100,
                            result = i == 0 ? "failed" : "passed",
                            at = "2026-11-20T10:00:00Z",
                        }
                    ),
                };
                Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(json)).StatusCode);
            }

            // Only configured clusters and real VMIDs: anything else would be kept and loaded on every pass.
            foreach (var (cluster, vmid) in new[] { ("nowhere", 100), ("homelab", 5), (new string('x', 65), 100) })
            {
                using var bad = new HttpRequestMessage(HttpMethod.Post, "api/restore-tests")
                {
                    Content = JsonContent.Create(
                        new
                        {
                            cluster,
                            vmid,
                            result = "passed",
                        }
                    ),
                };
                Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(bad)).StatusCode);
            }

            await daemon.StopAsync();
            using var store = SelfHostSync.Tests.State.OpenState.In(Path.Combine(run.Directory, "state"));
            Assert.Equal(
                2,
                (await store.Runs.LoadRestoreTestsAsync(CancellationToken.None)).Count(t =>
                    t.Kind == SelfHostSync.Core.Evidence.RestoreTestKind.Manual
                )
            );
        }
    }

    [Fact]
    public async Task Resync_NoDaemon_Exits69()
    {
        await using var run = await LabRun.StartAsync(text =>
            text.Replace(
                "\"StateDirectory\":",
                $"\"ControlApi\": {{ \"Urls\": \"http://127.0.0.1:{DaemonProcess.FreePort()}\" }}, \"StateDirectory\":",
                StringComparison.Ordinal
            )
        );

        var (code, _, stderr) = await Executable.RunAsync("resync", "--config", run.ConfigPath);

        Assert.Equal(69, code);
        Assert.Contains("not reachable", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NonLoopbackWithoutToken_Exits78()
    {
        await using var run = await LabRun.StartAsync(text =>
            text.Replace(
                "\"StateDirectory\":",
                "\"ControlApi\": { \"Urls\": \"http://0.0.0.0:8785\" }, \"StateDirectory\":",
                StringComparison.Ordinal
            )
        );

        var (code, _, stderr) = await Executable.RunAsync("run", "--config", run.ConfigPath);

        Assert.Equal(78, code);
        Assert.Contains("ControlApi.Token: required", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreTestRecord_ThenSync_ClearsRestoreWarningAndStatusShowsIt()
    {
        await using var run = await LabRun.StartAsync();
        var (code, _, stderr) = await Executable.RunAsync("sync", "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);
        Assert.Contains("warn-restore-untested", run.Lab.Cluster("homelab").TagsOf(100), StringComparison.Ordinal);

        (code, var stdout, stderr) = await Executable.RunAsync(
            "restore-test",
            "record",
            "homelab/100",
            "--result",
            "passed",
            "--note",
            "booted, checked the API",
            "--archive",
            "pbs:backup/vm/100/2026-11-20T02:00:00Z",
            "--config",
            run.ConfigPath
        );
        Assert.True(code == 0, stderr);
        Assert.Contains("recorded", stdout, StringComparison.Ordinal);
        (code, _, stderr) = await Executable.RunAsync("sync", "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);

        Assert.Equal("gpu;level-3b;prod;warn-no-offsite", run.Lab.Cluster("homelab").TagsOf(100));
        (code, stdout, _) = await Executable.RunAsync("status", "--json", "--config", run.ConfigPath);
        Assert.Equal(0, code);
        using var report = JsonDocument.Parse(stdout);
        var inference = report
            .RootElement.GetProperty("guests")
            .EnumerateArray()
            .Single(g => g.GetProperty("vmid").GetInt32() == 100 && g.GetProperty("cluster").GetString() == "homelab");
        var restore = inference.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "restore.tested");
        Assert.Equal("pass", restore.GetProperty("status").GetString());

        // The recorded archive is not (or no longer) on the backup server: it proves no restore point, and status says whose is missing.
        Assert.Equal(JsonValueKind.Null, inference.GetProperty("provenRestorePoint").ValueKind);
        (code, stdout, _) = await Executable.RunAsync("status", "--config", run.ConfigPath);
        Assert.Equal(0, code);
        Assert.Contains("none for homelab/100", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("homelab/100", "--result", "maybe", "maybe")]
    [InlineData("homelab", "--result", "passed", "is not <cluster>/<vmid>")]
    [InlineData("nowhere/100", "--result", "passed", "no cluster 'nowhere'")]
    public async Task RestoreTestRecord_BadArguments_OneClearLine(string guest, string option, string value, string expected)
    {
        await using var run = await LabRun.StartAsync();

        var (code, _, stderr) = await Executable.RunAsync("restore-test", "record", guest, option, value, "--config", run.ConfigPath);

        Assert.NotEqual(0, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_KilledMidPassAndRestarted_StoreConsistentAndNextPassFinishes()
    {
        await using (var first = await DaemonProcess.StartAsync())
        {
            var servers = first.Run.Lab.Clusters.Select(c => c.Server).ToList();
            servers.ForEach(s => s.Faults.Latency = TimeSpan.FromMilliseconds(300));
            first.Run.Lab.Cluster("homelab").SetTags(100, "gpu;prod");
            using var status = await first.Http.GetFromJsonAsync<JsonDocument>("api/status");
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/sync");
            (await first.Http.SendAsync(request)).Dispose();
            while (true)
            {
                using var now = await first.Http.GetFromJsonAsync<JsonDocument>("api/status");
                if (now!.RootElement.GetProperty("running").GetBoolean())
                {
                    break;
                }

                await Task.Delay(50);
            }

            await Task.Delay(300);
            first.Process.Kill();
            await first.Process.WaitForExitAsync();
            servers.ForEach(s => s.Faults.Latency = TimeSpan.Zero);

            // The same lab, state and configuration: a new daemon.
            await using var again = Executable.Start("run", "--config", first.Run.ConfigPath);
            try
            {
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (first.Run.Lab.Cluster("homelab").TagsOf(100) != "gpu;level-3b;prod;warn-no-offsite;warn-restore-untested")
                {
                    Assert.True(DateTime.UtcNow < deadline, "the restarted daemon did not repair the tags");
                    await Task.Delay(250);
                }
            }
            finally
            {
                again.Kill();
                await again.WaitForExitAsync();
            }

            using var db = new Microsoft.Data.Sqlite.SqliteConnection(
                $"Data Source={Path.Combine(first.Run.Directory, "state", "selfhostsync.db")};Mode=ReadOnly;Pooling=False"
            );
            db.Open();
            using var check = db.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", check.ExecuteScalar());
            check.CommandText = "SELECT COUNT(*) FROM runs WHERE state = 'aborted'";
            Assert.True((long)check.ExecuteScalar()! >= 1, "the killed pass is marked aborted");
        }
    }
}
