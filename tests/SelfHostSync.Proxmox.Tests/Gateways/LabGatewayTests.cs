using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Tags;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Proxmox.Tests.Gateways;

/// <summary>The gateways against the demo Lab: what they collect and how politely.</summary>
public sealed class LabGatewayTests
{
    [Fact]
    public async Task Collect_DemoLab_NeverMoreConcurrentRequestsThanConfigured()
    {
        await using var fixture = await LabFixture.StartAsync(concurrency: 2);
        foreach (var (_, server) in fixture.Servers)
        {
            server.Faults.Latency = TimeSpan.FromMilliseconds(15);
        }

        await fixture.ExerciseAsync();

        foreach (var (_, server) in fixture.Servers)
        {
            Assert.InRange(server.MaxInFlight, 1, 2);
        }
    }

    [Fact]
    public async Task Collect_PbsNotConfigured_SnapshotsReadThroughPveStorage()
    {
        await using var fixture = await LabFixture.StartAsync(servers: _ => null);

        var copies = (await fixture.CollectAsync()).SelectMany(b => b.Copies).Where(c => c.Guest == new GuestKey("homelab", 100)).ToList();

        Assert.Contains(copies, c => c.Kind == BackupCopyKind.PbsSnapshot && c.StorageId == "pbs" && c.Verification == VerificationState.Ok);
        Assert.Contains(copies, c => c.Kind == BackupCopyKind.PbsSnapshot && c.StorageId == "pbs-offsite");
        Assert.DoesNotContain(fixture.Lab.BackupServer("pbs").Server.Requests, r => r.Contains("/admin/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Collect_PbsConfigured_ReadsPbsDirectlyNotThroughPve()
    {
        await using var fixture = await LabFixture.StartAsync();

        await fixture.CollectAsync();

        Assert.DoesNotContain(fixture.Lab.Cluster("homelab").Server.Requests, r => r.Contains("/storage/pbs/content", StringComparison.Ordinal));
        Assert.Contains(fixture.Lab.BackupServer("pbs").Server.Requests, r =>
            r.Contains("/admin/datastore/main/snapshots?ns=homelab", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task Collect_HaResourceWithoutHastateInRow_GuestIsHaManaged()
    {
        await using var fixture = await LabFixture.StartAsync();

        var guests = (await fixture.CollectAsync()).SelectMany(b => b.Guests).ToDictionary(g => g.Key);

        Assert.Equal("started", guests[new GuestKey("homelab", 100)].HaState);
        Assert.Null(guests[new GuestKey("homelab", 110)].HaState);
    }

    [Fact]
    public async Task Collect_NotBackedUp_ListsGuestsInNoJobIgnoringEnabled()
    {
        await using var fixture = await LabFixture.StartAsync();

        var missing = (await fixture.CollectAsync()).SelectMany(b => b.NotBackedUp).ToHashSet();

        Assert.Contains(new GuestKey("homelab", 110), missing);
        Assert.DoesNotContain(new GuestKey("homelab", 140), missing); // only in a disabled job: PVE still counts it
        Assert.DoesNotContain(new GuestKey("homelab", 100), missing);
        Assert.Contains(new GuestKey("rented", 101), missing);
    }

    [Fact]
    public async Task Collect_VerifyAndSyncJobs_ReportedAsFindings()
    {
        await using var fixture = await LabFixture.StartAsync();

        var findings = (await fixture.CollectAsync()).SelectMany(b => b.Findings).ToList();

        Assert.Contains(findings, f => f.Contains("no verify job covers datastore main ns rented", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Contains("datastore main ns homelab", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("datastore offsite ns homelab", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Contains("sync job s-friend last run: failed: error trying to connect", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Collect_SuccessfulPushToOffsiteRemote_BecomesReplicaOfLinkedStorages()
    {
        await using var fixture = await LabFixture.StartAsync(
            edit: s =>
                s with
                {
                    BackupServers =
                    [
                        .. s.BackupServers.Select(b =>
                            b.Name != "pbs"
                                ? b
                                : b with
                                {
                                    SyncJobs =
                                    [
                                        new PbsJobSpec
                                        {
                                            Id = "s-far",
                                            Store = "main",
                                            Remote = "far",
                                            LastRunAgeHours = 1,
                                        },
                                    ],
                                }
                        ),
                    ],
                },
            servers: s => s.Name == "pbs" ? s with { OffsiteRemotes = new HashSet<string> { "far" } } : s
        );

        var replicas = (await fixture.CollectAsync()).SelectMany(b => b.Replicas).ToList();

        var homelab = Assert.Single(replicas, r => r.Cluster == "homelab");
        Assert.Equal("pbs", homelab.StorageId);
        Assert.Contains("s-far", homelab.Via, StringComparison.Ordinal);
        Assert.Contains(replicas, r => r.Cluster == "rented");
    }

    [Fact]
    public async Task Collect_PbsBeforePushSync_FallsBackWithoutDirection()
    {
        await using var fixture = await LabFixture.StartAsync(edit: s =>
            s with
            {
                BackupServers = [.. s.BackupServers.Select(b => b with { PushSync = false })],
            }
        );

        var batches = await fixture.CollectAsync();

        Assert.All(batches, b => Assert.Empty(b.Gaps));
        Assert.Contains(fixture.Lab.BackupServer("pbs").Server.Requests, r => r == "GET /api2/json/admin/sync");
    }

    [Fact]
    public async Task Collect_ConsoleOpensFillTheTaskArchive_RestoreTaskStillFound()
    {
        // 1,200 newer vncproxy tasks: an unfiltered newest-1,000 window no longer reaches the restore (4 days old).
        await using var fixture = await LabFixture.StartAsync(edit: s =>
            s with
            {
                Clusters =
                [
                    .. s.Clusters.Select(c =>
                        c.Name != "homelab"
                            ? c
                            : c with
                            {
                                ConsoleTasks = 1200,
                                RestoreTasks =
                                [
                                    new RestoreTaskSpec
                                    {
                                        Node = "pve1",
                                        TargetVmid = 9000,
                                        SourceVmid = 100,
                                        AgeHours = 96,
                                    },
                                ],
                            }
                    ),
                ],
            }
        );

        var tests = (await fixture.CollectAsync()).SelectMany(b => b.RestoreTests).ToList();

        Assert.Contains(tests, t => t.Guest == new GuestKey("homelab", 100));
        Assert.Contains(fixture.Lab.Cluster("homelab").Server.Requests, r =>
            r.StartsWith("GET /api2/json/nodes/pve1/tasks?", StringComparison.Ordinal) && r.Contains("typefilter=qmrestore", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task Collect_SecondPass_OneTaskListingPerNodeSinceTheNewestSeen()
    {
        await using var fixture = await LabFixture.StartAsync();
        var homelab = fixture.Lab.Cluster("homelab");
        await fixture.CollectAsync();
        var before = homelab.Server.Requests.Count;

        await fixture.CollectAsync();

        var second = homelab.Server.Requests.Skip(before).Where(r => r.Contains("/tasks?", StringComparison.Ordinal)).ToList();
        Assert.Equal(homelab.Spec.Nodes.Count - homelab.Spec.OfflineNodes.Count, second.Count);
        Assert.Contains(second, r => r.Contains("since=", StringComparison.Ordinal)); // a node without any task has no newest start
        Assert.All(second, r => Assert.Contains("source=all", r, StringComparison.Ordinal));
        Assert.DoesNotContain(second, r => r.Contains("typefilter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Collect_RestoreRunningDuringAPass_CountedOnceItEnds()
    {
        // The next listing starts at the oldest restore still running, not at the newest task seen: PVE's `since`
        // filters on the start time, and this restore started two hours before the backup that ended meanwhile.
        await using var fixture = await LabFixture.StartAsync();
        var homelab = fixture.Lab.Cluster("homelab");
        await fixture.CollectAsync();
        var restore = homelab.StartRestoreTask("pve1", 9001, 101, TimeSpan.FromHours(2));
        homelab.FinishedBackupTask("pve1", 110);
        Assert.DoesNotContain((await fixture.CollectAsync()).SelectMany(b => b.RestoreTests), t => t.Id == restore);

        homelab.EndTask(restore);
        var tests = (await fixture.CollectAsync()).SelectMany(b => b.RestoreTests).ToList();

        var test = Assert.Single(tests, t => t.Id == restore);
        Assert.Equal(new GuestKey("homelab", 101), test.Guest);
        Assert.True(test.Passed);
    }

    [Fact]
    public async Task BackupRunning_VzdumpEndedButNotArchived_NotRunning()
    {
        await using var fixture = await LabFixture.StartAsync(edit: DemoLab.DrillableContainer);
        var homelab = fixture.Lab.Cluster("homelab");
        homelab.FinishedBackupTask("pve1", 100);
        using var drills = fixture.DrillConnection();
        var source = new Core.Drills.ClusterGuest(100, "pve1", "qemu", "web", [], null, "running", false);

        Assert.False(await drills.Cluster.BackupRunningAsync(source, CancellationToken.None));
        homelab.StartBackupTask("pve1", 100);
        Assert.True(await drills.Cluster.BackupRunningAsync(source, CancellationToken.None));
    }

    [Fact]
    public async Task Drill_AgentPingFailsWithQmpTimeoutWhileBooting_KeepsPollingAndPasses()
    {
        await using var fixture = await LabFixture.StartAsync(edit: DemoLab.DrillableContainer);
        fixture.Lab.Cluster("homelab").SetDrillFault(101, Lab.Pve.DrillFault.SlowAgent);

        var records = await fixture.DrillAsync();

        var vm = Assert.Single(records, r => r.Guest.Vmid == 101);
        Assert.True(vm.State == Core.Drills.DrillState.Passed, vm.Reason);
    }

    [Fact]
    public async Task Collect_TicketLoginOfTwoFactorUser_SaysUseATokenInsteadOfPasswordWrong()
    {
        await using var fixture = await LabFixture.StartAsync(tickets: true, edit: s =>
            s with
            {
                Clusters =
                [
                    .. s.Clusters.Select(c => c.Name != "homelab" ? c : c with { Users = [.. c.Users.Select(u => u with { TwoFactor = true })] }),
                ],
            }
        );
        var homelab = fixture.Gateways.Sources.Single(s => s.Id.ToString() == "pve:homelab");

        var ex = await Assert.ThrowsAsync<Http.ProxmoxApiException>(() => homelab.CollectAsync(CancellationToken.None));

        Assert.Contains("two-factor authentication", ex.Message, StringComparison.Ordinal);
        Assert.Contains("use an API token", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("password wrong", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyTagStyle_Twice_MergesOnceAndKeepsForeignEntries()
    {
        // homelab logs in as a user with Sys.Modify; rented uses a token without it.
        await using var fixture = await LabFixture.StartAsync(tickets: true);

        var first = await fixture.Gateways.ApplyTagStyleAsync(TagVocabulary.Default, colorMap: true, register: true, CancellationToken.None);
        var second = await fixture.Gateways.ApplyTagStyleAsync(TagVocabulary.Default, colorMap: true, register: true, CancellationToken.None);

        var homelab = fixture.Lab.Cluster("homelab");
        Assert.Contains("gpu:6a1b9a:ffffff", homelab.TagStyle, StringComparison.Ordinal);
        Assert.Contains("level-3b:b60205:ffffff", homelab.TagStyle, StringComparison.Ordinal);
        Assert.Contains("shape=full", homelab.TagStyle, StringComparison.Ordinal);
        Assert.Contains("warn-restore-untested", homelab.RegisteredTags);
        Assert.Contains(first, r => r is { Cluster: "homelab", Ok: true } && r.Message.StartsWith("updated", StringComparison.Ordinal));
        Assert.Contains(second, r => r is { Cluster: "homelab", Ok: true, Message: "tag options already current" });
        Assert.Contains(first, r => r is { Cluster: "rented", Ok: false } && r.Message.Contains("Sys.Modify", StringComparison.Ordinal));
    }
}
