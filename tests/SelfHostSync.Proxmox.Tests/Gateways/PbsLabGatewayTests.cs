using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Proxmox.Tests.Gateways;

/// <summary>
/// The PBS gateway against a Lab PBS that answers as PBS does: plain-text errors, 400 for generic failures, silently
/// filtered lists, datastores in maintenance or unmounted, backups still running, job states as PBS writes them.
/// </summary>
public sealed class PbsLabGatewayTests
{
    private static LabScenario EditPbs(LabScenario s, string name, Func<BackupServerSpec, BackupServerSpec> edit) =>
        s with
        {
            BackupServers = [.. s.BackupServers.Select(b => b.Name == name ? edit(b) : b)],
        };

    private static IReadOnlyList<EvidenceBatch> Of(IReadOnlyList<EvidenceBatch> batches, LabFixture fixture, string server) =>
        [.. batches.Where((_, i) => fixture.Gateways.Sources[i].Id.ToString() == $"pbs:{server}")];

    [Theory]
    [InlineData("offline,message=disk swap", false, "maintenance mode (offline,message=disk swap)")]
    [InlineData("type=unmount", false, "maintenance mode")]
    [InlineData(null, true, "is not mounted")]
    public async Task Collect_DatastoreUnavailable_GapForItsStoragesOnlyWithoutRequest(string? maintenance, bool notMounted, string reason)
    {
        await using var fixture = await LabFixture.StartAsync();
        var main = fixture.Lab.BackupServer("pbs").Spec.Datastores.Single(d => d.Name == "main");
        main.Maintenance = maintenance;
        main.NotMounted = notMounted;

        var batches = await fixture.CollectAsync();

        var pbs = Assert.Single(Of(batches, fixture, "pbs"));
        Assert.Empty(pbs.Copies);
        Assert.All(pbs.Gaps, g => Assert.True(g.Scope.IsPartial));
        Assert.Contains(pbs.Gaps, g =>
            g.Scope is { Cluster: "homelab", Part: "PVE storage pbs" } && g.Reason.Contains(reason, StringComparison.Ordinal)
        );
        Assert.Contains(pbs.Gaps, g => g.Scope.Cluster == "rented");
        Assert.NotEmpty(Assert.Single(Of(batches, fixture, "pbs-offsite")).Copies);
        Assert.DoesNotContain(fixture.Lab.BackupServer("pbs").Server.Requests, r => r.Contains("/snapshots", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Collect_SnapshotListingRefused_PlainTextReasonInGapOfThatStorage()
    {
        await using var fixture = await LabFixture.StartAsync();
        fixture.Lab.BackupServer("pbs").Server.Faults.FailPaths["/api2/json/admin/datastore/main/snapshots"] = (
            400,
            "datastore 'main' is unavailable: offline maintenance mode: disk swap"
        );

        var pbs = Assert.Single(Of(await fixture.CollectAsync(), fixture, "pbs"));

        var gap = Assert.Single(pbs.Gaps, g => g.Scope.Cluster == "homelab");
        Assert.Contains("datastore 'main' is unavailable: offline maintenance mode: disk swap", gap.Reason, StringComparison.Ordinal);
        Assert.True(gap.Scope.IsPartial);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Collect_BackupStillRunning_NotACopy(bool direct)
    {
        await using var fixture = await LabFixture.StartAsync(edit: s => EditPbs(s, "pbs", b => b with { Snapshots =
                        [
                            .. b.Snapshots,
                            new SnapshotSpec
                            {
                                Datastore = "main",
                                Namespace = "homelab",
                                Id = 100,
                                AgeHours = 0.2,
                                InProgress = true,
                            },
                        ] }), servers: s => direct ? s : null);

        var copies = (await fixture.CollectAsync())
            .SelectMany(b => b.Copies)
            .Where(c => c.Guest == new GuestKey("homelab", 100) && c.StorageId == "pbs")
            .ToList();

        Assert.NotEmpty(copies);
        Assert.All(copies, c => Assert.True(DateTimeOffset.UtcNow - c.Time > TimeSpan.FromHours(5)));
    }

    [Fact]
    public async Task Collect_SyncListingFailsWithOtherBadRequest_NoFallbackAndReplicasPartlyUnknown()
    {
        await using var fixture = await LabFixture.StartAsync(servers: s =>
            s.Name == "pbs" ? s with { OffsiteRemotes = new HashSet<string> { "friend-pbs" } } : s
        );
        fixture.Lab.BackupServer("pbs").Server.Faults.FailPaths["/api2/json/admin/sync"] = (400, "unable to read sync job config");

        var pbs = Assert.Single(Of(await fixture.CollectAsync(), fixture, "pbs"));

        var gap = Assert.Single(pbs.Gaps);
        Assert.Equal(EvidenceKind.Replicas, gap.Scope.Kind);
        Assert.True(gap.Scope.IsPartial);
        Assert.Contains("unable to read sync job config", gap.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Lab.BackupServer("pbs").Server.Requests, r => r == "GET /api2/json/admin/sync");
    }

    [Fact]
    public async Task Collect_PushSyncWithWarnings_ReplicaAndFinding()
    {
        await using var fixture = await LabFixture.StartAsync(edit: s => EditPbs(s, "pbs", b => b with { SyncJobs =
                        [
                            new PbsJobSpec
                            {
                                Id = "s-far",
                                Store = "main",
                                Remote = "far",
                                LastRunState = "WARNINGS: 2",
                                LastRunAgeHours = 1,
                            },
                        ] }), servers: s => s.Name == "pbs" ? s with { OffsiteRemotes = new HashSet<string> { "far" } } : s);

        var pbs = Assert.Single(Of(await fixture.CollectAsync(), fixture, "pbs"));

        Assert.Contains(pbs.Replicas, r => r is { Cluster: "homelab", StorageId: "pbs" });
        Assert.Contains(pbs.Findings, f => f.Contains("sync job s-far last run: completed with warnings (WARNINGS: 2)", StringComparison.Ordinal));
        Assert.Empty(pbs.Gaps);
    }

    [Fact]
    public async Task Collect_SyncJobRunning_NoFindingNoReplica()
    {
        await using var fixture = await LabFixture.StartAsync(edit: s => EditPbs(s, "pbs", b => b with { SyncJobs =
                        [
                            new PbsJobSpec
                            {
                                Id = "s-far",
                                Store = "main",
                                Remote = "far",
                                LastRunState = null,
                            },
                        ] }), servers: s => s.Name == "pbs" ? s with { OffsiteRemotes = new HashSet<string> { "far" } } : s);

        var pbs = Assert.Single(Of(await fixture.CollectAsync(), fixture, "pbs"));

        Assert.Empty(pbs.Replicas);
        Assert.DoesNotContain(pbs.Findings, f => f.Contains("s-far", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Collect_TokenWithoutRemoteAudit_SyncJobsHiddenReplicasPartlyUnknown()
    {
        await using var fixture = await LabFixture.StartAsync(
            edit: s => EditPbs(s, "pbs", b => b with { Tokens = [.. b.Tokens.Select(t => t with { Privileges = ["Datastore.Audit"] })], SyncJobs =
                        [
                            new PbsJobSpec
                            {
                                Id = "s-far",
                                Store = "main",
                                Remote = "far",
                                LastRunAgeHours = 1,
                            },
                        ] }),
            servers: s => s.Name == "pbs" ? s with { OffsiteRemotes = new HashSet<string> { "far" } } : s
        );

        var pbs = Assert.Single(Of(await fixture.CollectAsync(), fixture, "pbs"));

        Assert.Empty(pbs.Replicas);
        var gap = Assert.Single(pbs.Gaps);
        Assert.Equal(EvidenceKind.Replicas, gap.Scope.Kind);
        Assert.Contains("RemoteAudit on /remote", gap.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collect_OffsiteServerPullsFromOurs_ReplicaOfStoragesOnThePulledDatastore()
    {
        await using var fixture = await LabFixture.StartAsync(edit: s =>
            EditPbs(s, "pbs-offsite", b => b with { Remotes = [new RemoteSpec("primary", "pbs")], SyncJobs =
                    [
                        new PbsJobSpec
                        {
                            Id = "pull-main",
                            Store = "offsite",
                            Remote = "primary",
                            RemoteStore = "main",
                            RemoteNs = "homelab",
                            MaxDepth = 0,
                            Direction = "pull",
                            LastRunAgeHours = 3,
                        },
                    ] })
        );

        var offsite = Assert.Single(Of(await fixture.CollectAsync(), fixture, "pbs-offsite"));

        var replica = Assert.Single(offsite.Replicas);
        Assert.Equal(("homelab", "pbs"), (replica.Cluster, replica.StorageId));
        Assert.Contains("pull-main", replica.Via, StringComparison.Ordinal);
        Assert.Empty(offsite.Gaps);
    }

    [Fact]
    public async Task Collect_S3DatastoreWithS3Offsite_CopiesAreOffsite()
    {
        await using var fixture = await LabFixture.StartAsync(
            edit: s => EditPbs(s, "pbs", b => b with { Datastores = [.. b.Datastores.Select(d => d with { Backend = "s3" })] }),
            servers: s => s.Name == "pbs" ? s with { S3Offsite = true } : s
        );

        var pbs = Assert.Single(Of(await fixture.CollectAsync(), fixture, "pbs"));

        Assert.NotEmpty(pbs.Copies);
        Assert.All(pbs.Copies, c => Assert.True(c.Offsite));
    }

    [Fact]
    public async Task Collect_DatastoreVerifiesNewSnapshots_NoMissingVerifyJobFinding()
    {
        await using var fixture = await LabFixture.StartAsync(edit: s =>
            EditPbs(s, "pbs", b => b with { Datastores = [.. b.Datastores.Select(d => d with { VerifyNew = true })] })
        );

        var pbs = Assert.Single(Of(await fixture.CollectAsync(), fixture, "pbs"));

        Assert.DoesNotContain(pbs.Findings, f => f.Contains("no verify job covers datastore main", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Collect_ConfiguredByNameStorageByAddress_StillReadDirectly()
    {
        await using var fixture = await LabFixture.StartAsync(servers: s =>
            s with
            {
                Endpoint = s.Endpoint with { BaseUrl = new UriBuilder(s.Endpoint.BaseUrl) { Host = "localhost" }.Uri },
            }
        );

        var copies = (await fixture.CollectAsync()).SelectMany(b => b.Copies).ToList();

        Assert.Contains(copies, c => c.Guest == new GuestKey("homelab", 100) && c.StorageId == "pbs");
        Assert.DoesNotContain(fixture.Lab.Cluster("homelab").Server.Requests, r => r.Contains("/storage/pbs/content", StringComparison.Ordinal));
    }
}
