using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SelfHostSync.Tests.Reliability;

/// <summary>DESIGN §8 under faults, through the real executable: no crash, degraded and named, no tag flips, one line.</summary>
public sealed class FaultEndToEndTests
{
    private static Dictionary<int, string?> Tags(LabRun run) =>
        run.Lab.Cluster("homelab").Spec.Guests.ToDictionary(g => g.Vmid, g => run.Lab.Cluster("homelab").TagsOf(g.Vmid));

    [Fact]
    public async Task Sync_TokenRevoked_DegradedOneLineNoTagChange()
    {
        await using var run = await LabRun.StartAsync();
        Assert.Equal(0, (await LabRun.ExecAsync("sync", "--config", run.ConfigPath)).Code);
        var before = Tags(run);

        run.Lab.Cluster("homelab").Server.Faults.RevokeTokens = true;
        var (code, _, stderr) = await LabRun.ExecAsync("sync", "--config", run.ConfigPath);

        Assert.Equal(3, code);
        Assert.Equal(before, Tags(run));
        Assert.Contains("authentication failed for token selfhostsync@pve!sync on GET /cluster/resources", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("demo-homelab-token", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_ForbiddenOnOnePath_NamesPrivilegeAndFreezesOnlyWhatDependsOnIt()
    {
        await using var run = await LabRun.StartAsync();
        Assert.Equal(0, (await LabRun.ExecAsync("sync", "--config", run.ConfigPath)).Code);
        var before = Tags(run);

        run.Lab.Cluster("homelab").Spec.Tokens[0].Privileges.Remove("Sys.Audit");
        var (code, stdout, stderr) = await LabRun.ExecAsync("sync", "--json", "--config", run.ConfigPath);

        Assert.Equal(3, code);
        Assert.Equal(before, Tags(run));
        Assert.Contains("pve:homelab: permission denied on GET", stderr, StringComparison.Ordinal);
        Assert.Contains("the token needs Sys.Audit", stderr, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(stdout);
        var inference = report.RootElement.GetProperty("guests").EnumerateArray().Single(g => g.GetProperty("cluster").GetString() == "homelab" && g.GetProperty("vmid").GetInt32() == 100);
        var statuses = inference.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("unknown", statuses["coverage.job"]);
        Assert.Equal("pass", statuses["backup.fresh"]);
    }

    [Fact]
    public async Task Sync_NodeOffline_GuestsThereKeepTheirTags()
    {
        await using var run = await LabRun.StartAsync();
        Assert.Equal(0, (await LabRun.ExecAsync("sync", "--config", run.ConfigPath)).Code);
        var before = Tags(run);

        run.Lab.Cluster("homelab").Spec.OfflineNodes.Add("pve3");
        var (code, _, stderr) = await LabRun.ExecAsync("sync", "--config", run.ConfigPath);

        Assert.True(code is 0 or 3, stderr);
        Assert.Equal(before, Tags(run));
        Assert.DoesNotContain("[ERR]", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_KilledAtRandomPoints_StoreStaysConsistentAndNextPassConverges()
    {
        await using var run = await LabRun.StartAsync();
        var servers = run.Lab.Clusters.Select(c => c.Server).Concat(run.Lab.BackupServers.Select(b => b.Server)).Concat(run.Lab.Synology.Select(n => n.Server)).ToList();
        servers.ForEach(s => s.Faults.Latency = TimeSpan.FromMilliseconds(15));
        var random = new Random(20261125);
        var killed = 0;
        for (var i = 0; i < 6; i++)
        {
            using var process = LabRun.Start("sync", "--config", run.ConfigPath);
            await Task.Delay(random.Next(300, 2500));
            if (!process.HasExited)
            {
                process.Kill();
                killed++;
            }

            await process.WaitForExitAsync();
        }

        servers.ForEach(s => s.Faults.Latency = TimeSpan.Zero);
        var (code, _, stderr) = await LabRun.ExecAsync("sync", "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);
        var (again, stdout, _) = await LabRun.ExecAsync("sync", "--json", "--config", run.ConfigPath);
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
        check.CommandText = "SELECT COUNT(*) FROM tag_writes WHERE state IN ('written', 'pending')";
        var audited = (long)check.ExecuteScalar()!;
        Assert.True(audited >= 10, $"{audited} audit rows for at least 10 writes");
    }
}
