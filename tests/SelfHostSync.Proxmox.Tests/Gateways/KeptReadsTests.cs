using Microsoft.Extensions.Time.Testing;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Sync;
using SelfHostSync.Lab;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Proxmox.Gateways;

namespace SelfHostSync.Proxmox.Tests.Gateways;

/// <summary>
/// Configuration reads kept across processes (issue 20, decision 012): gateways given what an earlier process kept
/// make the steady pass's requests, not the first pass's, and see the same evidence; a read of another identity, a
/// read older than ConfigRefresh or a payload this build cannot read is read afresh.
/// </summary>
public sealed class KeptReadsTests
{
    [Fact]
    public async Task Collect_AfterAnotherProcessKeptItsReads_NoConfigurationReadsAndTheSameEvidence()
    {
        await using var fixture = await LabFixture.StartAsync();
        var kept = new ReadMemory();
        List<string> first;
        using (var earlier = fixture.NewGateways(kept))
        {
            first = Evidence(await CollectAsync(earlier));
        }

        var calls = Mark(fixture.Lab);
        using var next = fixture.NewGateways(new ReadMemory(kept.TakeKept()));
        var second = Evidence(await CollectAsync(next));

        Assert.Equal(first, second);
        var made = calls();
        Assert.DoesNotContain(made, IsConfigurationRead);
        Assert.Contains(made, c => c.Path.EndsWith("/cluster/resources", StringComparison.Ordinal));
        // Restore tasks: one listing per node from where the last one stopped, no log read again.
        Assert.DoesNotContain(made, c => c.Path.EndsWith("/log", StringComparison.Ordinal) || c.Query.Contains("typefilter"));
    }

    [Fact]
    public async Task Collect_KeptWithAnotherToken_ReadsAfresh()
    {
        // homelab is read again with its second token (the drills' own), which may see other guests and jobs.
        await using var fixture = await LabFixture.StartAsync();
        var homelab = fixture.Lab.Cluster("homelab").Server;
        var kept = new ReadMemory();
        using (var earlier = fixture.NewGateways(kept))
        {
            await CollectAsync(earlier);
        }

        var before = homelab.Calls.Count;
        using var next = fixture.NewGateways(new ReadMemory(kept.TakeKept()), otherToken: true);
        await CollectAsync(next);

        var made = homelab.Calls.Skip(before).ToList();
        Assert.Contains(made, IsGuestConfigRead);
        Assert.Contains(made, c => c.Path == "/api2/json/cluster/backup");
    }

    [Fact]
    public async Task Collect_PrivilegesChangedSinceTheReadsWereKept_ReadsAgain()
    {
        await using var fixture = await LabFixture.StartAsync();
        var homelab = fixture.Lab.Cluster("homelab");
        var kept = new ReadMemory();
        using (var earlier = fixture.NewGateways(kept))
        {
            await CollectAsync(earlier);
        }

        homelab.Spec.Roles["SelfHostSync"].Add("VM.Monitor");
        var before = homelab.Server.Calls.Count;
        var rented = fixture.Lab.Cluster("rented").Server;
        var rentedBefore = rented.Calls.Count;
        using var next = fixture.NewGateways(new ReadMemory(kept.TakeKept()));
        await CollectAsync(next);

        var made = homelab.Server.Calls.Skip(before).ToList();
        Assert.Contains(made, IsGuestConfigRead);
        Assert.Contains(made, c => c.Path == "/api2/json/cluster/backup");
        Assert.Contains(made, c => c.Path == "/api2/json/storage");
        Assert.DoesNotContain(rented.Calls.Skip(rentedBefore), IsConfigurationRead);
    }

    [Fact]
    public async Task Collect_KeptReadsOlderThanConfigRefresh_ReadsAgain()
    {
        await using var fixture = await LabFixture.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var kept = new ReadMemory();
        using (var earlier = fixture.NewGateways(kept, clock))
        {
            await CollectAsync(earlier);
        }

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var calls = Mark(fixture.Lab);
        using var next = fixture.NewGateways(new ReadMemory(kept.TakeKept()), clock);
        await CollectAsync(next);

        var made = calls();
        Assert.Contains(made, IsGuestConfigRead);
        Assert.Contains(made, c => c.Path == "/api2/json/cluster/backup");
        Assert.Contains(made, c => c.Path == "/api2/json/storage");
    }

    [Fact]
    public async Task Collect_KeptPayloadThisBuildCannotRead_ReadsAfreshWithoutAnError()
    {
        await using var fixture = await LabFixture.StartAsync();
        var kept = new ReadMemory();
        using (var earlier = fixture.NewGateways(kept))
        {
            await CollectAsync(earlier);
        }

        var garbled = kept.TakeKept().Select(k => k with { Payload = "{\"not\": [\"what was written" }).ToList();
        var calls = Mark(fixture.Lab);
        using var next = fixture.NewGateways(new ReadMemory(garbled));
        var batches = await CollectAsync(next);

        Assert.All(batches, b => Assert.Empty(b.Gaps));
        Assert.Contains(calls(), IsGuestConfigRead);
        Assert.Contains(calls(), c => c.Path == "/api2/json/cluster/backup");
    }

    private static async Task<IReadOnlyList<EvidenceBatch>> CollectAsync(LabGateways gateways) =>
        await Task.WhenAll(gateways.Sources.Select(s => s.CollectAsync(CancellationToken.None)));

    /// <summary>What a pass concluded from configuration, one line per guest, job, storage-linked copy and finding.</summary>
    private static List<string> Evidence(IReadOnlyList<EvidenceBatch> batches) =>
        [
            .. batches
                .SelectMany(b => b.Guests)
                .OrderBy(g => g.Key.ToString(), StringComparer.Ordinal)
                .Select(g =>
                    $"{g.Key} {g.Config?.OnBoot} {g.Config?.Protection} {g.Config?.Description} {string.Join(',', g.Config?.DiskStorages ?? [])} {g.HaState}"
                ),
            .. batches
                .SelectMany(b => b.Jobs)
                .Select(j => $"{j.Cluster}/{j.Id} {j.Enabled} {j.Storage} {j.Selection.All} {string.Join(',', j.Selection.Vmids.Order())}")
                .Order(StringComparer.Ordinal),
            .. batches.SelectMany(b => b.NotBackedUp).Select(k => k.ToString()).Order(StringComparer.Ordinal),
            .. batches.SelectMany(b => b.Copies).Select(c => $"{c.Guest} {c.Location} {c.Time:O} {c.Verification}").Order(StringComparer.Ordinal),
            .. batches.SelectMany(b => b.Findings).Order(StringComparer.Ordinal),
        ];

    private static bool IsGuestConfigRead(LabCall call) =>
        call.Method == "GET"
        && call.Path.EndsWith("/config", StringComparison.Ordinal)
        && (call.Path.Contains("/qemu/", StringComparison.Ordinal) || call.Path.Contains("/lxc/", StringComparison.Ordinal));

    /// <summary>Reads a steady pass does not make while they are fresh (decision 004; PVE's privileges are read every pass).</summary>
    private static bool IsConfigurationRead(LabCall call) =>
        IsGuestConfigRead(call)
        || call.Path
            is "/api2/json/cluster/backup"
                or "/api2/json/cluster/backup-info/not-backed-up"
                or "/api2/json/cluster/ha/resources"
                or "/api2/json/storage"
                or "/api2/json/admin/datastore"
                or "/api2/json/admin/verify"
                or "/api2/json/admin/sync"
                or "/api2/json/config/datastore"
                or "/api2/json/config/remote";

    /// <summary>The calls every lab server receives from now on.</summary>
    private static Func<List<LabCall>> Mark(LabHost lab)
    {
        var servers = lab.Clusters.Select(c => c.Server).Concat(lab.BackupServers.Select(b => b.Server)).ToList();
        var before = servers.Select(s => s.Calls.Count).ToList();
        return () => [.. servers.SelectMany((s, i) => s.Calls.Skip(before[i]))];
    }
}
