using System.Text.Json;

namespace SelfHostSync.Tests;

/// <summary>The real executable against the lab: DESIGN §4–§6 and §8 as seen from outside.</summary>
[LongRunning]
public sealed class SyncEndToEndTests
{
    private static readonly string[] Secrets =
    [
        "demo-homelab-token",
        "demo-homelab-drill-token",
        "demo-rented-token",
        "demo-pbs-token",
        "demo-offsite-token",
        "demo-nas-password",
    ];

    private static JsonElement Guest(JsonDocument report, string cluster, int vmid) =>
        report
            .RootElement.GetProperty("guests")
            .EnumerateArray()
            .Single(g => g.GetProperty("cluster").GetString() == cluster && g.GetProperty("vmid").GetInt32() == vmid);

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static void AssertNoSecrets(params string[] outputs)
    {
        foreach (var output in outputs)
        {
            foreach (var secret in Secrets)
            {
                Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task SyncJson_DemoScenario_WritesDesignTagsKeepsUserTagsAndSteadyStateWritesNothing()
    {
        await using var run = await LabRun.StartAsync();
        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);
        AssertNoSecrets(stdout, stderr);

        using var report = JsonDocument.Parse(stdout);
        Assert.False(report.RootElement.GetProperty("degraded").GetBoolean());
        Assert.Equal(5, report.RootElement.GetProperty("sources").GetArrayLength());

        var homelab = run.Lab.Cluster("homelab");
        var expected = new Dictionary<int, (string Level, string Tags)>
        {
            [100] = ("3b", "gpu;level-3b;prod;warn-no-offsite;warn-restore-untested"),
            [101] = ("3b", "level-3b"),
            [110] = ("3a", "level-3a;wipe"),
            [121] = ("3a", "k8s;lab;level-3a;warn-prod-in-denial"),
            [130] = ("3b", "level-3b;warn-restore-untested;warn-storage-degraded;warn-unverified"),
            [140] = ("3a", "level-3a;warn-undocumented"),
        };
        foreach (var (vmid, (level, tags)) in expected)
        {
            var g = Guest(report, "homelab", vmid);
            Assert.Equal(level, g.GetProperty("level").GetString());
            Assert.Equal(tags, homelab.TagsOf(vmid));
            Assert.Equal(tags.Split(';'), Strings(g.GetProperty("tagsAfter")).Order(StringComparer.Ordinal));
        }

        Assert.Null(homelab.TagsOf(9000));
        Assert.Equal("level-2;warn-no-backup;warn-no-job", run.Lab.Cluster("rented").TagsOf(101));
        Assert.Equal(
            "fail",
            Guest(report, "homelab", 100)
                .GetProperty("checks")
                .EnumerateArray()
                .Single(c => c.GetProperty("id").GetString() == "restore.tested")
                .GetProperty("status")
                .GetString()
        );

        // Only tags and the digest were ever sent.
        Assert.All(homelab.WritesOf(100), w => Assert.Equal(["digest", "tags"], w.Keys.Order(StringComparer.Ordinal)));

        var writesBefore = homelab.TotalWrites;
        var calls = CallsFrom(run);
        var (code2, stdout2, _) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);
        Assert.Equal(0, code2);
        using var second = JsonDocument.Parse(stdout2);
        Assert.Equal(0, second.RootElement.GetProperty("writes").GetInt32());
        Assert.Equal(writesBefore, homelab.TotalWrites);

        // A second process makes the steady pass's reads (decision 012): the first one's configuration reads were kept.
        var guests = report.RootElement.GetProperty("guests").GetArrayLength();
        var made = calls();
        Assert.True(made.Count(IsGuestConfigRead) <= guests / 10, string.Join('\n', made.Where(IsGuestConfigRead)));
        Assert.DoesNotContain(made, c => c.Path is "/api2/json/cluster/backup" or "/api2/json/storage" or "/api2/json/admin/datastore");

        calls = CallsFrom(run);
        var (code3, _, stderr3) = await Executable.RunAsync("sync", "--reread", "--json", "--config", run.ConfigPath);
        Assert.True(code3 == 0, stderr3);
        Assert.Contains(calls(), c => c.Path == "/api2/json/cluster/backup");
        Assert.True(calls().Count(IsGuestConfigRead) >= guests / 2);
    }

    private static bool IsGuestConfigRead(Lab.Hosting.LabCall call) =>
        call.Method == "GET"
        && call.Path.EndsWith("/config", StringComparison.Ordinal)
        && (call.Path.Contains("/qemu/", StringComparison.Ordinal) || call.Path.Contains("/lxc/", StringComparison.Ordinal));

    /// <summary>The calls the lab's PVE and PBS servers receive from now on.</summary>
    private static Func<List<Lab.Hosting.LabCall>> CallsFrom(LabRun run)
    {
        var servers = run.Lab.Clusters.Select(c => c.Server).Concat(run.Lab.BackupServers.Select(b => b.Server)).ToList();
        var before = servers.Select(s => s.Calls.Count).ToList();
        return () => [.. servers.SelectMany((s, i) => s.Calls.Skip(before[i]))];
    }

    [Fact]
    public async Task Sync_VerifyJobRanBetweenRuns_TheNextRunsVerdictSeesIt()
    {
        // The second run reads only changed PBS groups, and lists the datastore in full because a verify task ran
        // on it (decision 011): the failed verification of 101's newest snapshot reaches the verdict and the tags.
        await using var run = await LabRun.StartAsync();
        var pbs = run.Lab.BackupServer("pbs");
        pbs.AddSnapshot("main", "homelab", "vm", 101, DateTimeOffset.UtcNow.AddMinutes(-5));
        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);
        using var first = JsonDocument.Parse(stdout);

        pbs.Verify("main", "failed", DateTimeOffset.UtcNow);
        var (code2, stdout2, stderr2) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);

        Assert.True(code2 == 0, stderr2);
        using var second = JsonDocument.Parse(stdout2);
        Assert.Equal("pass", Check(first, "homelab", 101, "backup.verified"));
        Assert.Equal("fail", Check(second, "homelab", 101, "backup.verified"));
        Assert.Contains("warn-unverified", run.Lab.Cluster("homelab").TagsOf(101), StringComparison.Ordinal);
    }

    private static string? Check(JsonDocument report, string cluster, int vmid, string id) =>
        Guest(report, cluster, vmid)
            .GetProperty("checks")
            .EnumerateArray()
            .Single(c => c.GetProperty("id").GetString() == id)
            .GetProperty("status")
            .GetString();

    [Fact]
    public async Task SyncDryRun_FirstPass_WritesNothingAndPrintsThePlan()
    {
        await using var run = await LabRun.StartAsync();
        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--dry-run", "--json", "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        Assert.True(report.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, run.Lab.Clusters.Sum(c => c.TotalWrites));
        var g = Guest(report, "homelab", 100);
        Assert.Equal("dry-run", g.GetProperty("writeStatus").GetString());
        Assert.Contains("level-3b", Strings(g.GetProperty("tagsAfter")));
    }

    [Fact]
    public async Task Sync_UnderSystemd_LogLinesCarryJournalPriorities()
    {
        await using var run = await LabRun.StartAsync();
        run.Lab.BackupServer("pbs").Server.Faults.Down = true;

        var (code, _, stderr) = await Executable.RunAsync(
            new Dictionary<string, string> { ["JOURNAL_STREAM"] = "8:12345" },
            "sync",
            "--config",
            run.ConfigPath
        );

        Assert.Equal(3, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("<4>Source pbs:pbs degraded", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("<6>Run ", StringComparison.Ordinal));
        Assert.All(lines.Where(l => l.StartsWith('<')), l => Assert.Matches("^<[2-7]>", l));
    }

    [Fact]
    public async Task Sync_NasDown_ExitsDegradedAndKeepsNasDependentTags()
    {
        await using var run = await LabRun.StartAsync();
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        var homelab = run.Lab.Cluster("homelab");
        var before = homelab.Spec.Guests.ToDictionary(g => g.Vmid, g => homelab.TagsOf(g.Vmid));
        Assert.Contains("warn-storage-degraded", before[130], StringComparison.Ordinal);

        run.Lab.Nas("nas").Server.Faults.Down = true;
        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);

        Assert.Equal(3, code);
        using var report = JsonDocument.Parse(stdout);
        var dsm = report.RootElement.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "dsm");
        Assert.False(dsm.GetProperty("ok").GetBoolean());
        Assert.Contains("dsm:nas", stderr, StringComparison.Ordinal);
        AssertNoSecrets(stdout, stderr);
        foreach (var (vmid, tags) in before)
        {
            Assert.Equal(tags, homelab.TagsOf(vmid));
        }
    }

    [Fact]
    public async Task Sync_BackupServerDown_ExitsDegradedNamesItAndChangesNoTag()
    {
        await using var run = await LabRun.StartAsync();
        Assert.Equal(0, (await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath)).Code);
        var homelab = run.Lab.Cluster("homelab");
        var before = homelab.Spec.Guests.ToDictionary(g => g.Vmid, g => homelab.TagsOf(g.Vmid));

        run.Lab.BackupServer("pbs").Server.Faults.Down = true;
        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);

        Assert.Equal(3, code);
        using var report = JsonDocument.Parse(stdout);
        Assert.True(report.RootElement.GetProperty("degraded").GetBoolean());
        var pbs = report.RootElement.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "pbs");
        Assert.False(pbs.GetProperty("ok").GetBoolean());
        Assert.Contains("pbs", stderr, StringComparison.Ordinal);
        Assert.Equal(0, report.RootElement.GetProperty("writes").GetInt32());
        foreach (var (vmid, tags) in before)
        {
            Assert.Equal(tags, homelab.TagsOf(vmid));
        }
    }

    [Fact]
    public async Task Sync_ConcurrentEditBetweenReadAndWrite_IsNeverOverwrittenAndPlannedAgainOnAFreshRead()
    {
        // The write goes with the digest of the pass's own read; PVE refuses it, the writer reads again and applies the
        // same change to the tags as they are now, once.
        await using var run = await LabRun.StartAsync();
        var homelab = run.Lab.Cluster("homelab");
        homelab.BeforeNextWriteTo(110, () => homelab.SetTags(110, "wipe;edited-by-operator"));

        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);

        Assert.True(code == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal("written", Guest(report, "homelab", 110).GetProperty("writeStatus").GetString());
        Assert.Equal("edited-by-operator;level-3a;wipe", homelab.TagsOf(110));
        Assert.Equal(
            ["GET", "PUT", "GET", "PUT"],
            homelab.Server.Calls.Where(c => c.Path.EndsWith("/110/config", StringComparison.Ordinal)).Select(c => c.Method)
        );
    }

    [Fact]
    public async Task Sync_LockedGuest_IsRetriedNextPass()
    {
        await using var run = await LabRun.StartAsync();
        var homelab = run.Lab.Cluster("homelab");
        homelab.SetLock(101, "backup");
        using (var first = JsonDocument.Parse((await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath)).Stdout))
        {
            Assert.Equal("locked", Guest(first, "homelab", 101).GetProperty("writeStatus").GetString());
        }

        Assert.Null(homelab.TagsOf(101));
        homelab.SetLock(101, null);
        Assert.Equal(0, (await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath)).Code);
        Assert.Equal("level-3b", homelab.TagsOf(101));
    }

    [Fact]
    public async Task Sync_WrongFingerprint_OneClearLineAndNoWrites()
    {
        await using var run = await LabRun.StartAsync(text =>
        {
            var real = text.Split("\"Fingerprint\": \"")[1].Split('"')[0];
            return text.Replace(real, new string('A', 64), StringComparison.Ordinal);
        });
        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);
        Assert.Equal(3, code);
        Assert.Contains("certificate fingerprint mismatch", stdout + stderr, StringComparison.Ordinal);
        Assert.Equal(0, run.Lab.Cluster("homelab").TotalWrites);
        Assert.DoesNotContain(run.Lab.Cluster("homelab").Server.Requests, r => r.Contains("/config", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Explain_ProductionInDenial_ShowsReasonsAndTags()
    {
        await using var run = await LabRun.StartAsync();
        var (code, stdout, stderr) = await Executable.RunAsync("explain", "homelab/121", "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);
        Assert.Contains("production in denial", stdout, StringComparison.Ordinal);
        Assert.Contains("intent tag 'lab'", stdout, StringComparison.Ordinal);
        Assert.Contains("warn-prod-in-denial", stdout, StringComparison.Ordinal);
        Assert.Equal(0, run.Lab.Cluster("homelab").TotalWrites);
    }

    [Fact]
    public async Task Explain_UnknownGuest_ExitsTwo()
    {
        await using var run = await LabRun.StartAsync();
        var (code, _, stderr) = await Executable.RunAsync("explain", "homelab/4242", "--config", run.ConfigPath);
        Assert.Equal(2, code);
        Assert.Contains("no guest homelab/4242", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"SelfHostSync\": { ", "invalid JSON")]
    [InlineData("{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"http://pve\", \"TokenId\": \"nobang\" } ] } }", "Proxmox[0].Url")]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecretFile\": \"/nonexistent/secret\" } ] } }",
        "no such file"
    )]
    [InlineData(
        "{ \"SelfHostSync\": { \"Intent\": { \"Rules\": [ { \"Pool\": \"p\", \"Level\": \"4\" } ] }, \"Proxmox\": [] } }",
        "Intent.Rules[0].Level"
    )]
    [InlineData("{ \"SelfHostSync\": { \"Tags\": { \"Names\": { \"level-3b\": \"-bad\" } }, \"Proxmox\": [] } }", "Tags.Names.level-3b")]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s\", \"Username\": \"a@pve\" } ] } }",
        "either TokenId"
    )]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"Username\": \"a@pve\" } ] } }",
        "Proxmox[0].Password: missing"
    )]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s\" } ], \"RestoreDrills\": { \"Cluster\": \"x\", \"Node\": \"pve1\", \"TargetStorage\": \"local-zfs\", \"VmidRange\": \"9999-9900\" } } }",
        "RestoreDrills.VmidRange: '9999-9900' must lie within"
    )]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s\" } ], \"RestoreDrills\": { \"Enabled\": true, \"Cluster\": \"nope\", \"Node\": \"pve1\", \"TargetStorage\": \"local-zfs\", \"VmidRange\": \"9900-9999\" } } }",
        "RestoreDrills.Cluster: 'nope' is not a configured Proxmox cluster"
    )]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s\" } ], \"RestoreDrills\": { \"Cluster\": \"x\", \"Node\": \"pve1\", \"TargetStorage\": \"local-zfs\", \"VmidRange\": \"9900-9999\", \"Isolation\": \"vlan:5\", \"Probe\": \"ping\" } } }",
        "RestoreDrills.Isolation: 'vlan:5' is not link-down or bridge:<name>"
    )]
    [InlineData(
        "{ \"SelfHostSync\": { \"Intent\": { \"InferProductionFrom\": \"two\" }, \"Proxmox\": [] } }",
        "Intent.InferProductionFrom: 'two' is not a whole number"
    )]
    [InlineData("{ \"SelfHostSync\": { \"Proxmox\": { \"Name\": \"x\" } } }", "Proxmox: expected a list [ … ], found an object")]
    [InlineData("{ \"SelfHostSync\": { \"Tags\": { \"Wirte\": false }, \"Proxmox\": [] } }", "Tags.Wirte: unknown key (did you mean Tags.Write?)")]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\" } ] } }",
        "Proxmox[0].TokenSecret: missing"
    )]
    [InlineData(
        "{ \"SelfHostSync\": { \"Intent\": { \"Rules\": [ { \"Pool\": \"p\", \"Level\": \"3b\" }, { \"Pool\": \"p\", \"Node\": \"pve1\", \"Level\": \"3a\" } ] }, \"Proxmox\": [] } }",
        "Intent.Rules[1]: never applies, Intent.Rules[0] (pool=p) already matches"
    )]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s\", \"Fingerprint\": \"AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\", \"InsecureSkipVerify\": true } ] } }",
        "Proxmox[0]: Fingerprint and InsecureSkipVerify together would ignore the pin"
    )]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!sync=0b7e1c55-d00d\", \"TokenSecret\": \"s\" } ] } }",
        "Proxmox[0].TokenId: 'a@pve!sync' is followed by more (the secret?)"
    )]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s\" } ], \"SourceTimeout\": \"banana\" } }",
        "SourceTimeout: 'banana' is not a positive duration"
    )]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s\" } ], \"Synology\": [ { \"Name\": \"nas\", \"Url\": \"https://nas:5001\", \"Username\": \"u\", \"Password\": \"p\", \"Timeout\": \"12:00:00\" } ] } }",
        "Synology[0].Timeout: '12:00:00' is not between 10 milliseconds and 1 hour"
    )]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s\", \"Timeout\": \"00:00:00.001\" } ] } }",
        "Proxmox[0].Timeout: '00:00:00.001' is not between 10 milliseconds and 1 hour"
    )]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"a\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s\" }, \"oops\", { \"Name\": \"c\", \"Url\": \"ftp://pve3\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s\" } ] } }",
        "Proxmox[2].Url"
    )]
    public async Task Sync_BadConfig_Exits78WithOneLinePerProblem(string json, string expected)
    {
        var dir = Path.Combine(Path.GetTempPath(), "shs-badcfg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "appsettings.json");
        await File.WriteAllTextAsync(path, json);
        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--config", path);
        Assert.Equal(78, code);
        Assert.Empty(stdout);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("0b7e1c55-d00d", stderr, StringComparison.Ordinal);
        Assert.All(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("config: ", l, StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(dir, "state")));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Sync_BadConfigWithSeveralProblems_EachOnItsOwnLine()
    {
        var dir = Path.Combine(Path.GetTempPath(), "shs-badcfg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "appsettings.json");
        await File.WriteAllTextAsync(
            path,
            "{ \"SelfHostSync\": { \"DryRun\": \"maybe\", \"Tags\": { \"Wirte\": false }, \"Inventory\": { \"Name\": \"Mail\" }, "
                + "\"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", \"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s\" } ] } }"
        );

        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--config", path);

        Assert.Equal(78, code);
        Assert.Empty(stdout);
        string[] expected =
        [
            "config: appsettings.json: DryRun: 'maybe' is not true or false",
            "config: appsettings.json: Inventory: expected a list [ … ], found an object",
            "config: appsettings.json: Tags.Wirte: unknown key (did you mean Tags.Write?)",
        ];
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(expected, lines.Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(dir, "state")));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Sync_MisspeltKeyWrongTypeAndCrossFieldError_ThreeLinesAndExit78()
    {
        // The shape problems (a misspelt key, a value of the wrong type) no longer hide the value problems behind them.
        var dir = Directory.CreateTempSubdirectory("shs-badcfg-").FullName;
        var path = Path.Combine(dir, "appsettings.json");
        await File.WriteAllTextAsync(
            path,
            "{ \"SelfHostSync\": { \"Tags\": { \"Wirte\": false }, \"DryRun\": \"maybe\", \"Proxmox\": [ { \"Name\": \"x\", \"Url\": \"https://pve:8006\", "
                + "\"TokenId\": \"a@pve!b\", \"TokenSecret\": \"s\", \"InsecureSkipVerify\": true, "
                + "\"Fingerprint\": \"AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\" } ] } }"
        );

        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--config", path);

        Assert.Equal(78, code);
        Assert.Empty(stdout);
        string[] expected =
        [
            "config: appsettings.json: DryRun: 'maybe' is not true or false",
            "config: appsettings.json: Proxmox[0]: Fingerprint and InsecureSkipVerify together would ignore the pin; keep the Fingerprint and remove InsecureSkipVerify",
            "config: appsettings.json: Tags.Wirte: unknown key (did you mean Tags.Write?)",
        ];
        Assert.Equal(
            expected,
            stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal)
        );
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Sync_TicketLoginFromPasswordFile_WritesTagsAndColoursWithoutLeakingPassword()
    {
        await using var run = await LabRun.StartAsync(text =>
            text.Replace(
                    "\"TokenId\": \"selfhostsync@pve!sync\", \"TokenSecret\": \"demo-homelab-token\"",
                    "\"Username\": \"selfhostsync@pve\", \"PasswordFile\": \"homelab.password\"",
                    StringComparison.Ordinal
                )
                .Replace("\"Inventory\"", "\"Tags\": { \"ColorMap\": true, \"Register\": true }, \"Inventory\"", StringComparison.Ordinal)
        );
        await File.WriteAllTextAsync(Path.Combine(run.Directory, "homelab.password"), "demo-homelab-password\n");

        // Relative secret files resolve in $CREDENTIALS_DIRECTORY, as systemd's LoadCredential= provides it.
        var (code, stdout, stderr) = await Executable.RunAsync(
            new Dictionary<string, string> { ["CREDENTIALS_DIRECTORY"] = run.Directory },
            "sync",
            "--json",
            "--config",
            run.ConfigPath
        );

        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("demo-homelab-password", stdout + stderr, StringComparison.Ordinal);
        var homelab = run.Lab.Cluster("homelab");
        Assert.Equal("gpu;level-3b;prod;warn-no-offsite;warn-restore-untested", homelab.TagsOf(100));
        Assert.Contains("level-3b:b60205:ffffff", homelab.TagStyle, StringComparison.Ordinal);
        Assert.Contains("gpu:6a1b9a:ffffff", homelab.TagStyle, StringComparison.Ordinal);
        Assert.Contains(homelab.Server.Requests, r => r == "POST /api2/json/access/ticket");
    }
}
