using SelfHostSync.Core.Evidence;
using SelfHostSync.Lab.Pbs;
using SelfHostSync.Lab.Scenario;
using SelfHostSync.Proxmox.Gateways;

namespace SelfHostSync.Proxmox.Tests.Gateways;

/// <summary>
/// Reading only what changed on PBS (issue 20): after a first full listing, a pass lists the groups and reads the
/// snapshots of changed groups only, and lists a datastore in full after a verify, prune or GC task on it, when a group
/// lost snapshots, or when the tasks cannot be seen. Whatever happens between passes, the copies are those a full read
/// finds.
/// </summary>
public sealed class IncrementalSnapshotTests
{
    private static readonly (string Ns, string Type, int Id)[] Groups =
    [
        ("homelab", "vm", 100),
        ("homelab", "vm", 101),
        ("homelab", "ct", 121),
        ("rented", "vm", 100),
        ("homelab", "vm", 130),
        ("rented", "ct", 140),
    ];

    /// <summary>The sync token without PBS's Audit role on /system/tasks (the demo's token has it, as the README grants it).</summary>
    private static LabScenario TasksHidden(LabScenario s) =>
        s with
        {
            BackupServers =
            [
                .. s.BackupServers.Select(b =>
                    b with
                    {
                        Tokens = [.. b.Tokens.Select(t => t with { Privileges = [.. (t.Privileges ?? []).Where(p => p != "Sys.Audit")] })],
                    }
                ),
            ],
        };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Collect_RandomChangesBetweenPasses_IncrementalCopiesEqualFullRead(int seed)
    {
        await using var fixture = await LabFixture.StartAsync();
        var pbs = fixture.Lab.BackupServer("pbs");
        var random = new Random(seed);
        await PbsCopiesAsync(fixture.Gateways);

        for (var round = 0; round < 8; round++)
        {
            var changes = random.Next(0, 4);
            for (var i = 0; i < changes; i++)
            {
                Change(pbs, random);
            }

            var incremental = await PbsCopiesAsync(fixture.Gateways);
            using var fresh = fixture.NewGateways();
            var full = await PbsCopiesAsync(fresh);

            Assert.Equal(full, incremental);
        }
    }

    [Fact]
    public async Task Collect_NothingChanged_ListsGroupsNotSnapshots()
    {
        await using var fixture = await LabFixture.StartAsync();
        var server = fixture.Lab.BackupServer("pbs").Server;
        await fixture.CollectAsync();
        var before = server.Calls.Count;

        await fixture.CollectAsync();

        var second = server.Calls.Skip(before).ToList();
        Assert.Contains(second, c => c.Path.EndsWith("/groups", StringComparison.Ordinal));
        Assert.DoesNotContain(second, c => c.Path.EndsWith("/snapshots", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Collect_NewBackupOfOneGuest_ReadsOnlyThatGroup()
    {
        await using var fixture = await LabFixture.StartAsync();
        var pbs = fixture.Lab.BackupServer("pbs");
        await fixture.CollectAsync();
        var before = pbs.Server.Calls.Count;

        pbs.AddSnapshot("main", "homelab", "vm", 100, DateTimeOffset.UtcNow);
        var copies = await PbsCopiesAsync(fixture.Gateways);

        var listings = pbs.Server.Calls.Skip(before).Where(c => c.Path.EndsWith("/snapshots", StringComparison.Ordinal)).ToList();
        var listing = Assert.Single(listings);
        Assert.Contains("backup-id", listing.Query);
        Assert.Contains(copies, c => c.Guest.Vmid == 100 && DateTimeOffset.UtcNow - c.Time < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Collect_VerifyJobRanBetweenPasses_VerificationSeenInTheNextPass()
    {
        await using var fixture = await LabFixture.StartAsync();
        var pbs = fixture.Lab.BackupServer("pbs");
        await fixture.CollectAsync();
        Assert.Contains(await PbsCopiesAsync(fixture.Gateways), c => c.Guest.Vmid == 121 && c.Verification == VerificationState.None);

        pbs.Verify("main", "ok", DateTimeOffset.UtcNow);

        Assert.All((await PbsCopiesAsync(fixture.Gateways)).Where(c => c.Location.StartsWith("pbs/main", StringComparison.Ordinal)), c =>
            Assert.Equal(VerificationState.Ok, c.Verification)
        );
    }

    [Fact]
    public async Task Collect_TasksHiddenWithoutSysAudit_ListsInFullEveryPass()
    {
        // Without Sys.Audit PBS leaves other users' verify tasks out of its task list, silently.
        await using var fixture = await LabFixture.StartAsync(edit: TasksHidden);
        var pbs = fixture.Lab.BackupServer("pbs");
        await fixture.CollectAsync();
        var before = pbs.Server.Calls.Count;

        pbs.Verify("main", "failed", DateTimeOffset.UtcNow);
        var copies = await PbsCopiesAsync(fixture.Gateways);

        Assert.Contains(pbs.Server.Calls.Skip(before), c =>
            c.Path.EndsWith("/snapshots", StringComparison.Ordinal) && !c.Query.Contains("backup-id")
        );
        Assert.Contains(copies, c => c.Guest.Vmid == 121 && c.Verification == VerificationState.Failed);
    }

    private static void Change(PbsSimulator pbs, Random random)
    {
        var (ns, type, id) = Groups[random.Next(Groups.Length)];
        var now = DateTimeOffset.UtcNow;
        switch (random.Next(6))
        {
            case 0:
                pbs.AddSnapshot("main", ns, type, id, now.AddSeconds(-random.Next(1, 100_000)), encrypted: random.Next(4) == 0);
                break;
            case 1:
                pbs.AddSnapshot("main", ns, type, id, now.AddSeconds(-random.Next(1, 600)), inProgress: true);
                break;
            case 2:
                pbs.FinishSnapshots("main");
                break;
            case 3:
                pbs.Verify("main", random.Next(5) == 0 ? "failed" : "ok", now);
                break;
            case 4:
                pbs.Prune("main", ns, type, id, random.Next(1, 5), now);
                break;
            default:
                pbs.Forget("main", ns, type, id);
                break;
        }
    }

    private static async Task<List<BackupCopy>> PbsCopiesAsync(LabGateways gateways)
    {
        var batches = await Task.WhenAll(gateways.Sources.Where(s => s.Id.Kind == "pbs").Select(s => s.CollectAsync(CancellationToken.None)));
        Assert.All(batches, b => Assert.Empty(b.Gaps));
        return
        [
            .. batches
                .SelectMany(b => b.Copies)
                .OrderBy(c => c.Location, StringComparer.Ordinal)
                .ThenBy(c => c.Guest.Cluster, StringComparer.Ordinal)
                .ThenBy(c => c.Guest.Vmid)
                .ThenBy(c => c.Time)
                .ThenBy(c => c.StorageId, StringComparer.Ordinal),
        ];
    }
}
