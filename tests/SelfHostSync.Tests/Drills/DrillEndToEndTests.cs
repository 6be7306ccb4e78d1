using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SelfHostSync.Lab.Pve;

namespace SelfHostSync.Tests.Drills;

/// <summary>Restore drills run by the real executable against the lab: restore, isolate, boot, probe, destroy.</summary>
[LongRunning]
public sealed partial class DrillEndToEndTests
{
    private const int First = 9900;
    private const int Last = 9999;

    [Fact]
    public async Task Drill_ProductionGuest_PassesRecordsRtoDestroysScratchAndClearsWarning()
    {
        // The demo's 100 has raw GPU passthrough, which only root@pam may restore: here it has none.
        await using var run = await LabRun.StartAsync(editScenario: DemoLab.WithoutPassthrough);
        var homelab = run.Lab.Cluster("homelab");
        Assert.Equal(0, (await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath)).Code);
        Assert.Contains("warn-restore-untested", homelab.TagsOf(100), StringComparison.Ordinal);
        var before = homelab.Server.Requests.Count;

        var (code, stdout, stderr) = await Executable.RunAsync("drill", "homelab/100", "--json", "--config", run.ConfigPath);

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var drill = doc.RootElement.GetProperty("drills").EnumerateArray().Single();
        Assert.Equal("passed", drill.GetProperty("state").GetString());
        Assert.True(drill.GetProperty("cleanedUp").GetBoolean());
        Assert.True(drill.GetProperty("rtoSeconds").GetDouble() > 0);
        var scratch = drill.GetProperty("scratchVmid").GetInt32();
        Assert.InRange(scratch, First, Last);
        Assert.False(homelab.Exists(scratch));

        // The newest backup at drill time, not a pinned one.
        var plan = doc.RootElement.GetProperty("plan").EnumerateArray().Single();
        Assert.StartsWith("pbs:backup/vm/100/", plan.GetProperty("archive").GetString(), StringComparison.Ordinal);

        // Every NIC isolated before the scratch guest was started.
        var isolation = homelab.WritesOf(scratch).Single();
        Assert.Contains("link_down=1", isolation["net0"], StringComparison.Ordinal);

        AssertOnlyRangeTouched(homelab.Server.Requests.Skip(before), sourceVmid: 100);
        AssertBodiesOnlyInRange(homelab.Server.Calls);

        Assert.Equal(0, (await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath)).Code);
        Assert.DoesNotContain("warn-restore-untested", homelab.TagsOf(100), StringComparison.Ordinal);
        var (_, explain, _) = await Executable.RunAsync("explain", "homelab/100", "--config", run.ConfigPath);
        Assert.Contains("(drill)", explain, StringComparison.Ordinal);

        // The drilled snapshot is now the guest's proven restore point, with its age, in explain, sync --json and /metrics.
        Assert.Contains($"proven restore point: {plan.GetProperty("archive").GetString()}", explain, StringComparison.Ordinal);
        Assert.Contains("restored by a drill", explain, StringComparison.Ordinal);
        var (_, json, _) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);
        using var report = JsonDocument.Parse(json);
        var proven = report
            .RootElement.GetProperty("guests")
            .EnumerateArray()
            .Single(g => g.GetProperty("cluster").GetString() == "homelab" && g.GetProperty("vmid").GetInt32() == 100)
            .GetProperty("provenRestorePoint");
        Assert.Equal(plan.GetProperty("archive").GetString(), proven.GetProperty("archive").GetString());
    }

    [Theory]
    [InlineData(DrillFault.CorruptSnapshot, "restore failed", "wrong digest")]
    [InlineData(DrillFault.NeverBoots, "timed out", "guest agent never answered")]
    public async Task Drill_BrokenBackup_RecordedFailedWithReasonAndScratchGone(DrillFault fault, string reason, string detail)
    {
        await using var run = await LabRun.StartAsync(text =>
            text.Replace("\"Timeout\": \"00:05:00\"", "\"Timeout\": \"00:00:10\"", StringComparison.Ordinal)
                .Replace("\"Timeout\": \"00:01:00\"", "\"Timeout\": \"00:00:05\"", StringComparison.Ordinal)
        );
        var homelab = run.Lab.Cluster("homelab");
        homelab.SetDrillFault(101, fault);
        var before = homelab.Server.Requests.Count;

        var (code, stdout, stderr) = await Executable.RunAsync("drill", "homelab/101", "--json", "--config", run.ConfigPath);

        Assert.True(code == 4, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var drill = doc.RootElement.GetProperty("drills").EnumerateArray().Single();
        Assert.Equal("failed", drill.GetProperty("state").GetString());
        Assert.Contains(reason, drill.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains(detail, drill.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(drill.GetProperty("cleanedUp").GetBoolean());
        Assert.All(Enumerable.Range(First, Last - First + 1), v => Assert.False(homelab.Exists(v)));
        AssertOnlyRangeTouched(homelab.Server.Requests.Skip(before), sourceVmid: 101);
        AssertBodiesOnlyInRange(homelab.Server.Calls);

        // The failed drill is the newest restore evidence: restore.tested fails and says why.
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        var (_, explain, _) = await Executable.RunAsync("explain", "homelab/101", "--config", run.ConfigPath);
        Assert.Contains("failed", explain, StringComparison.Ordinal);
        Assert.Contains("warn-restore-untested", homelab.TagsOf(101), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("degraded", "00:00:04", "application probe system: exit 3 (expected 0): degraded 1 unit failed (nginx.service)")]
    [InlineData("hangs", "00:00:03", "application probe system: no exit within its timeout")]
    [InlineData("agent-lost", "00:00:20", "application probe system: failed: the guest agent stopped answering")]
    public async Task Drill_ApplicationProbeFails_ExitFourWithProbeNameAndExcerptAndScratchGone(string how, string probeTimeout, string reason)
    {
        await using var run = await LabRun.StartAsync(text =>
            text.Replace(
                "\"is-system-running\", \"--wait\"], \"Timeout\": \"00:01:00\"",
                $"\"is-system-running\", \"--wait\"], \"Timeout\": \"{probeTimeout}\"",
                StringComparison.Ordinal
            )
        );
        var homelab = run.Lab.Cluster("homelab");
        switch (how)
        {
            case "degraded":
                homelab.SetGuestCommand(101, "systemctl", new LabCommand(3, "degraded\n", "1 unit failed (nginx.service)\n"));
                break;
            case "hangs":
                homelab.SetGuestCommand(101, "systemctl", new LabCommand(0, Hangs: true));
                break;
            default:
                homelab.SetDrillFault(101, DrillFault.AgentLostDuringProbe);
                break;
        }

        var before = homelab.Server.Requests.Count;

        var (code, stdout, stderr) = await Executable.RunAsync("drill", "homelab/101", "--json", "--config", run.ConfigPath);

        Assert.True(code == 4, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var drill = doc.RootElement.GetProperty("drills").EnumerateArray().Single();
        Assert.Equal("failed", drill.GetProperty("state").GetString());
        Assert.StartsWith(reason, drill.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("system", drill.GetProperty("probes").EnumerateArray().Single().GetProperty("name").GetString());
        Assert.True(drill.GetProperty("cleanedUp").GetBoolean());
        Assert.All(Enumerable.Range(First, Last - First + 1), v => Assert.False(homelab.Exists(v)));
        Assert.Contains(homelab.Server.Requests.Skip(before), r => r.Contains("/agent/exec", StringComparison.Ordinal));
        AssertOnlyRangeTouched(homelab.Server.Requests.Skip(before), sourceVmid: 101);
    }

    [Fact]
    public async Task Drill_GuestExecDisabledInTheAgent_ErrorNotFailureAndScratchGone()
    {
        await using var run = await LabRun.StartAsync();
        var homelab = run.Lab.Cluster("homelab");
        homelab.SetDrillFault(101, DrillFault.GuestExecDisabled);
        ErrorLog.Expect("could not complete (Error): app-probe: Agent error: The command guest-exec has been disabled");

        var (code, stdout, stderr) = await Executable.RunAsync("drill", "homelab/101", "--json", "--config", run.ConfigPath);

        // The agent refusing the command says nothing about the backup: error (exit 1), no restore evidence against it.
        Assert.True(code == 1, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var drill = doc.RootElement.GetProperty("drills").EnumerateArray().Single();
        Assert.Equal("error", drill.GetProperty("state").GetString());
        Assert.Contains(
            "The command guest-exec has been disabled for this instance",
            drill.GetProperty("reason").GetString(),
            StringComparison.Ordinal
        );
        Assert.True(drill.GetProperty("cleanedUp").GetBoolean());
        Assert.All(Enumerable.Range(First, Last - First + 1), v => Assert.False(homelab.Exists(v)));
    }

    [Theory]
    [InlineData("homelab/100", "raw PCI passthrough 'hostpci0' can only be restored by root@pam")]
    [InlineData("homelab/121", "bind mount 'mp0' can only be restored by root@pam")]
    [InlineData("homelab/121", "a privileged container: restoring one needs Sys.Modify on /")]
    public async Task Drill_GuestOnlyRootMayRestore_PassedOverWithReasonBeforeAnyRestore(string guest, string reason)
    {
        await using var run = await LabRun.StartAsync();
        var homelab = run.Lab.Cluster("homelab");
        var before = homelab.Server.Requests.Count;

        var (code, _, stderr) = await Executable.RunAsync("drill", guest, "--config", run.ConfigPath);

        Assert.Equal(1, code);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(homelab.Server.Requests.Skip(before), r => !r.StartsWith("GET ", StringComparison.Ordinal));
    }

    /// <summary>Someone's own VM at 9950, inside the drill range, without the drill tag.</summary>
    private static Lab.Scenario.LabScenario WithForeignGuestInRange(Lab.Scenario.LabScenario s) =>
        s with
        {
            Clusters = s
                .Clusters.Select(c =>
                    c.Name != "homelab"
                        ? c
                        : c with
                        {
                            Guests =
                            [
                                .. c.Guests,
                                new Lab.Scenario.GuestSpec
                                {
                                    Vmid = 9950,
                                    Name = "someones-test-vm",
                                    Node = "pve1",
                                },
                            ],
                        }
                )
                .ToList(),
        };

    [Fact]
    public async Task Sync_RangeHoldsARealGuest_FindingSaysItIsLeftOutOfTheMatrix()
    {
        // A too-wide VmidRange silently hid real guests from tags and metrics (reliability review L13).
        await using var run = await LabRun.StartAsync(editScenario: WithForeignGuestInRange);

        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var homelab = doc.RootElement.GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "homelab");
        Assert.Contains(homelab.GetProperty("findings").EnumerateArray(), f =>
            f.GetString()!.Contains("are not drill guests and are left out of the matrix, tags and metrics (9950)", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task Drill_RangeHoldsForeignGuest_RefusesAndTouchesNothing()
    {
        await using var run = await LabRun.StartAsync(editScenario: WithForeignGuestInRange);
        var homelab = run.Lab.Cluster("homelab");
        var before = homelab.Server.Requests.Count;

        var (code, _, stderr) = await Executable.RunAsync("drill", "homelab/100", "--config", run.ConfigPath);

        Assert.Equal(1, code);
        Assert.Contains("9950", stderr, StringComparison.Ordinal);
        Assert.Contains("not a drill guest", stderr, StringComparison.Ordinal);
        Assert.True(homelab.Exists(9950));
        Assert.DoesNotContain(homelab.Server.Requests.Skip(before), r => !r.StartsWith("GET ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sync_DrillGuestsAndRange_NeverAssessedNorTagged()
    {
        await using var run = await LabRun.StartAsync(editScenario: s =>
            s with
            {
                Clusters = s
                    .Clusters.Select(c =>
                        c.Name != "homelab"
                            ? c
                            : c with
                            {
                                Guests =
                                [
                                    .. c.Guests,
                                    new Lab.Scenario.GuestSpec
                                    {
                                        Vmid = 9901,
                                        Name = "drill-100-20261124",
                                        Node = "pve1",
                                        Tags = "selfhostsync-drill",
                                        OnBoot = true,
                                    },
                                    new Lab.Scenario.GuestSpec
                                    {
                                        Vmid = 777,
                                        Name = "drill-101-20261124",
                                        Node = "pve1",
                                        Tags = "selfhostsync-drill",
                                    },
                                ],
                            }
                    )
                    .ToList(),
            }
        );
        var homelab = run.Lab.Cluster("homelab");

        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.DoesNotContain(doc.RootElement.GetProperty("guests").EnumerateArray(), g => g.GetProperty("vmid").GetInt32() is 9901 or 777);
        Assert.Equal("selfhostsync-drill", homelab.TagsOf(9901));
        Assert.Equal("selfhostsync-drill", homelab.TagsOf(777));
        Assert.Empty(homelab.WritesOf(9901));
    }

    [Fact]
    public async Task Drill_AnotherProcessHoldsTheDrillLock_RefusesAndTouchesNothing()
    {
        await using var run = await LabRun.StartAsync();
        var homelab = run.Lab.Cluster("homelab");
        var state = Path.Combine(run.Directory, "state");
        Directory.CreateDirectory(state);
        var before = homelab.Server.Requests.Count;

        string stderr;
        int code;
        using (new FileStream(Path.Combine(state, "drills.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            (code, _, stderr) = await Executable.RunAsync("drill", "homelab/100", "--config", run.ConfigPath);
        }

        Assert.Equal(1, code);
        Assert.Contains("another SelfHostSync process", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(homelab.Server.Requests.Skip(before), r => !r.StartsWith("GET ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Drill_BackupOfGuestRunning_IsNotDrilled()
    {
        await using var run = await LabRun.StartAsync();
        var homelab = run.Lab.Cluster("homelab");
        homelab.StartBackupTask("pve1", null);

        var (code, _, stderr) = await Executable.RunAsync("drill", "homelab/100", "--config", run.ConfigPath);

        Assert.Equal(1, code);
        Assert.Contains("a backup of it is running", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(homelab.Server.Requests, r => r.StartsWith("POST /api2/json/nodes/pve1/qemu", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Drill_DryRun_PrintsPlanAndSendsOnlyReads()
    {
        await using var run = await LabRun.StartAsync();
        var homelab = run.Lab.Cluster("homelab");
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        var before = homelab.Server.Requests.Count;

        var (code, stdout, stderr) = await Executable.RunAsync("drill", "--dry-run", "--json", "--config", run.ConfigPath);

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var plan = doc.RootElement.GetProperty("plan").EnumerateArray().Single();

        // Never successfully restored comes first: 100 (prod, never tested), but only root@pam may restore its raw GPU
        // passthrough, so it is passed over with the reason; then 130, whose last restore test is oldest.
        Assert.Equal("homelab/130", plan.GetProperty("guest").GetString());
        Assert.Contains("raw PCI passthrough", stdout, StringComparison.Ordinal);
        Assert.Equal(First, plan.GetProperty("scratchVmid").GetInt32());
        Assert.Empty(doc.RootElement.GetProperty("drills").EnumerateArray());
        Assert.DoesNotContain(homelab.Server.Requests.Skip(before), r => !r.StartsWith("GET ", StringComparison.Ordinal));
    }

    /// <summary>Every request naming a guest names one in the range, except reads about the source guest.</summary>
    internal static void AssertOnlyRangeTouched(IEnumerable<string> requests, int sourceVmid)
    {
        var outside = new List<string>();
        foreach (var r in requests)
        {
            foreach (Match m in VmidInRequest().Matches(r))
            {
                var vmid = int.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture);
                if (vmid is >= First and <= Last)
                {
                    continue;
                }

                if (!(vmid == sourceVmid && r.StartsWith("GET ", StringComparison.Ordinal)))
                {
                    outside.Add(r);
                }
            }
        }

        Assert.True(outside.Count == 0, string.Join(Environment.NewLine, outside));
    }

    /// <summary>The restore's VMID travels in the POST body, which the request lines do not show.</summary>
    internal static void AssertBodiesOnlyInRange(IEnumerable<Lab.Hosting.LabCall> calls)
    {
        var outside = calls
            .Where(c => c.FormVmid is { } v && !(int.TryParse(v, CultureInfo.InvariantCulture, out var vmid) && vmid is >= First and <= Last))
            .ToList();
        Assert.True(outside.Count == 0, string.Join(Environment.NewLine, outside.Select(c => $"{c.Method} {c.Path} vmid={c.FormVmid}")));
        Assert.Contains(calls, c => c.Method == "POST" && c.FormVmid is not null);
    }

    // /qemu/100, /lxc/100, vmid=100 in a query or form, vm/100/ or vzdump-qemu-100- in an archive name.
    [GeneratedRegex(@"(?:/(?:qemu|lxc)/|[?&]vmid=|vm/|ct/|vzdump-(?:qemu|lxc)-)(?<v>\d+)")]
    private static partial Regex VmidInRequest();
}
