using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SelfHostSync.Tests.Reliability;

/// <summary>DESIGN §8 under faults, through the real executable: no crash, degraded and named, no tag flips, one line.</summary>
[LongRunning]
public sealed class FaultEndToEndTests
{
    private static Dictionary<int, string?> Tags(LabRun run) =>
        run.Lab.Cluster("homelab").Spec.Guests.ToDictionary(g => g.Vmid, g => run.Lab.Cluster("homelab").TagsOf(g.Vmid));

    [Fact]
    public async Task Sync_TokenRevoked_DegradedOneLineNoTagChange()
    {
        await using var run = await LabRun.StartAsync();
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        var before = Tags(run);

        run.Lab.Cluster("homelab").Server.Faults.RevokeTokens = true;
        var (code, _, stderr) = await Executable.RunAsync("sync", "--config", run.ConfigPath);

        Assert.Equal(3, code);
        Assert.Equal(before, Tags(run));
        Assert.Contains("authentication failed for token selfhostsync@pve!sync on GET /cluster/resources", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("demo-homelab-token", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_ForbiddenOnOnePath_NamesPrivilegeAndFreezesOnlyWhatDependsOnIt()
    {
        await using var run = await LabRun.StartAsync();
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        var before = Tags(run);

        run.Lab.Cluster("homelab").Spec.Roles["SelfHostSync"].Remove("Sys.Audit");
        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);

        Assert.Equal(3, code);
        Assert.Equal(before, Tags(run));
        Assert.Contains("pve:homelab: permission denied on GET", stderr, StringComparison.Ordinal);
        Assert.Contains("the token needs Sys.Audit", stderr, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(stdout);
        var inference = report
            .RootElement.GetProperty("guests")
            .EnumerateArray()
            .Single(g => g.GetProperty("cluster").GetString() == "homelab" && g.GetProperty("vmid").GetInt32() == 100);
        var statuses = inference
            .GetProperty("checks")
            .EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("unknown", statuses["coverage.job"]);
        Assert.Equal("pass", statuses["backup.fresh"]);
    }

    [Fact]
    public async Task Sync_NodeOffline_GuestsThereKeepTheirTags()
    {
        await using var run = await LabRun.StartAsync();
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        var before = Tags(run);

        run.Lab.Cluster("homelab").Spec.OfflineNodes.Add("pve3");
        var (code, _, stderr) = await Executable.RunAsync("sync", "--config", run.ConfigPath);

        Assert.True(code is 0 or 3, stderr);
        Assert.Equal(before, Tags(run));
    }

    [Fact]
    public async Task Sync_KilledAtRandomPoints_StoreStaysConsistentAndNextPassConverges()
    {
        await using var run = await LabRun.StartAsync();
        var servers = run
            .Lab.Clusters.Select(c => c.Server)
            .Concat(run.Lab.BackupServers.Select(b => b.Server))
            .Concat(run.Lab.Synology.Select(n => n.Server))
            .ToList();
        servers.ForEach(s => s.Faults.Latency = TimeSpan.FromMilliseconds(15));
        var random = new Random(20261125);
        var killed = 0;
        for (var i = 0; i < 6; i++)
        {
            await using var process = Executable.Start("sync", "--config", run.ConfigPath);
            await Task.Delay(random.Next(300, 2500));
            if (!process.HasExited)
            {
                process.Kill();
                killed++;
            }

            await process.WaitForExitAsync();
        }

        servers.ForEach(s => s.Faults.Latency = TimeSpan.Zero);
        var (code, _, stderr) = await Executable.RunAsync("sync", "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);
        var (again, stdout, _) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);
        Assert.Equal(0, again);
        using var report = JsonDocument.Parse(stdout);

        Assert.True(killed >= 3, $"only {killed} passes were killed mid-way");
        Assert.Equal(0, report.RootElement.GetProperty("writes").GetInt32());
        Assert.Equal("gpu;level-3b;prod;warn-no-offsite;warn-restore-untested", run.Lab.Cluster("homelab").TagsOf(100));
        Assert.Equal("k8s;lab;level-3a;warn-prod-in-denial", run.Lab.Cluster("homelab").TagsOf(121));
        using var db = new SqliteConnection($"Data Source={Path.Combine(run.Directory, "state", "selfhostsync.db")};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var check = db.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", check.ExecuteScalar());
        // Every write that may have happened is in the audit: written, or pending where the process died mid-write.
        // Compared with what the Lab actually received: per guest, no write without its row (review T5).
        check.CommandText = "SELECT cluster, vmid, COUNT(*) FROM tag_writes WHERE state IN ('written', 'pending') GROUP BY cluster, vmid";
        var audited = new Dictionary<(string, int), long>();
        using (var rows = check.ExecuteReader())
        {
            while (rows.Read())
            {
                audited[(rows.GetString(0), rows.GetInt32(1))] = rows.GetInt64(2);
            }
        }

        var received = run
            .Lab.Clusters.SelectMany(c => c.Spec.Guests.Select(g => (Key: (c.Name, g.Vmid), Writes: c.WritesOf(g.Vmid).Count)))
            .Where(x => x.Writes > 0)
            .ToList();
        Assert.NotEmpty(received);
        Assert.All(received, x =>
            Assert.True(
                audited.GetValueOrDefault(x.Key) >= x.Writes,
                $"{x.Key}: {x.Writes} writes received, {audited.GetValueOrDefault(x.Key)} audited"
            )
        );
    }

    [Fact]
    public async Task Sync_SourceSlowerThanItsTimeout_DegradedTimedOutNoTagChange()
    {
        // The resource list is read every pass (configuration reads may be kept from the last one, decision 012).
        await using var run = await LabRun.StartAsync(text =>
            text.Replace(
                "\"TokenSecret\": \"demo-rented-token\",",
                "\"TokenSecret\": \"demo-rented-token\", \"Timeout\": \"00:00:00.500\",",
                StringComparison.Ordinal
            )
        );
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        var before = Tags(run);

        run.Lab.Cluster("rented").Server.Faults.Latency = TimeSpan.FromSeconds(2);
        var (code, _, stderr) = await Executable.RunAsync("sync", "--config", run.ConfigPath);

        Assert.Equal(3, code);
        Assert.Contains("pve:rented", stderr, StringComparison.Ordinal);
        Assert.Contains("timed out", stderr, StringComparison.Ordinal);
        Assert.Equal(before, Tags(run));
    }

    [Fact]
    public async Task Run_CertificateChangesUnderThePin_PassDegradedNamesBothFingerprints()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var pbs = daemon.Run.Lab.BackupServer("pbs");
        var before = Tags(daemon.Run);

        await pbs.RestartWithNewCertificateAsync(CancellationToken.None);
        var (code, stdout, stderr) = await Executable.RunAsync("resync", "--wait", "--config", daemon.Run.ConfigPath);

        Assert.True(code == 0, stderr);
        Assert.Contains("degraded true", stdout, StringComparison.Ordinal);
        Assert.Equal(before, Tags(daemon.Run));
        var (_, log) = await daemon.StopAsync();
        Assert.Contains("certificate fingerprint mismatch", log, StringComparison.Ordinal);
        Assert.Contains(pbs.Server.Fingerprint, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_EveryPageAndPayload_CarriesNoConfiguredSecret()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var secrets = new[] { "demo-homelab-token", "demo-rented-token", "demo-pbs-token", "demo-offsite-token", "demo-nas-password" };

        foreach (var path in new[] { "", "metrics", "api/status", "api/guests", "api/guests/homelab/100", "healthz" })
        {
            var body = await daemon.Http.GetStringAsync(path);
            Assert.All(secrets, s => Assert.DoesNotContain(s, body, StringComparison.Ordinal));
        }

        var (_, log) = await daemon.StopAsync();
        Assert.All(secrets, s => Assert.DoesNotContain(s, log, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sync_StateDirectoryNotWritable_Exits78NothingWritten()
    {
        await using var run = await LabRun.StartAsync(text =>
            System.Text.RegularExpressions.Regex.Replace(text, "\"StateDirectory\": \"[^\"]*\"", "\"StateDirectory\": \"/proc/selfhostsync-state\"")
        );

        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--config", run.ConfigPath);

        Assert.Equal(78, code);
        Assert.Empty(stdout);
        Assert.Contains("StateDirectory: '/proc/selfhostsync-state' cannot be created", stderr, StringComparison.Ordinal);
        Assert.Equal(0, run.Lab.Cluster("homelab").TotalWrites);
    }

    [Fact]
    public async Task Sync_ClusterDown_DegradedNamesItOtherClusterStillSynced()
    {
        await using var run = await LabRun.StartAsync();
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        var before = Tags(run);
        run.Lab.Cluster("rented").SetTags(101, "level-2");

        run.Lab.Cluster("homelab").Server.Faults.Down = true;
        var (code, _, stderr) = await Executable.RunAsync("sync", "--config", run.ConfigPath);

        Assert.Equal(3, code);
        Assert.Contains("Source pve:homelab degraded", stderr, StringComparison.Ordinal);
        Assert.Equal(before, Tags(run));
        Assert.Equal("level-2;warn-no-backup;warn-no-job", run.Lab.Cluster("rented").TagsOf(101));
    }

    [Fact]
    public async Task Sync_TokenRevokedMidPass_WritesRefusedNothingFlippedExit1()
    {
        await using var run = await LabRun.StartAsync();
        var homelab = run.Lab.Cluster("homelab");
        var before = Tags(run);
        homelab.BeforeNextWrite = () => homelab.Server.Faults.RevokeTokens = true;

        ErrorLog.Expect("authentication failed for token");
        var (code, _, stderr) = await Executable.RunAsync("sync", "--config", run.ConfigPath);
        var during = Tags(run);
        homelab.Server.Faults.RevokeTokens = false;
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        var after = Tags(run);

        // Writes that got through before the revocation are the right ones; the rest were refused: nothing in between.
        Assert.Equal(1, code);
        Assert.All(during, kv => Assert.True(kv.Value == before[kv.Key] || kv.Value == after[kv.Key], $"{kv.Key}: {kv.Value}"));
        Assert.Contains(during, kv => kv.Value == before[kv.Key] && before[kv.Key] != after[kv.Key]);
        Assert.Contains("authentication failed for token selfhostsync@pve!sync", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("demo-homelab-token", stderr, StringComparison.Ordinal);
    }
}
