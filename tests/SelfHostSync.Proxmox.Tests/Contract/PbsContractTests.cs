using SelfHostSync.Proxmox.Gateways;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pbs;

namespace SelfHostSync.Proxmox.Tests.Contract;

/// <summary>The PBS client against WireMock: token header with ':', envelopes, namespaces, error mapping.</summary>
public sealed class PbsContractTests : IDisposable
{
    private readonly Mock _mock = new();

    public void Dispose() => _mock.Dispose();

    [Fact]
    public async Task GetSnapshots_Token_SendsPbsApiTokenHeaderWithColonAndNamespace()
    {
        _mock.Stub(
            "GET",
            "/admin/datastore/main/snapshots",
            200,
            """
            {"data":[{"backup-type":"vm","backup-id":"100","backup-time":1764000000,"files":[{"filename":"index.json.blob","crypt-mode":"none","size":512}],
                      "verification":{"state":"ok","upid":"UPID:pbs:00000001:00000002:00000000:5CA78B83:verificationjob:x:root@pam:"},"protected":false}]}
            """
        );

        var snapshots = new List<SnapshotDto>();
        await using (var answer = await _mock.Pbs().GetSnapshotsAsync("main", "homelab", CancellationToken.None))
        {
            Assert.True(
                await DataArrayReader.ReadAsync<SnapshotDto>(
                    answer,
                    ProxmoxClients.Json,
                    TimeSpan.FromSeconds(5),
                    snapshots.Add,
                    CancellationToken.None
                )
            );
        }

        Assert.Equal("ok", Assert.Single(snapshots).VerificationState);
        var request = Assert.Single(_mock.Requests("/admin/datastore/main/snapshots")).RequestMessage;
        Assert.Equal($"PBSAPIToken selfhostsync@pbs!sync:{Mock.Secret}", request.Headers!["Authorization"].Single());
        Assert.Equal("homelab", request.Query!["ns"].Single());
    }

    [Fact]
    public async Task GetSnapshots_RootNamespace_SendsNoNsParameter()
    {
        _mock.Stub("GET", "/admin/datastore/main/snapshots", 200, """{"data":[]}""");

        await (await _mock.Pbs().GetSnapshotsAsync("main", null, CancellationToken.None)).DisposeAsync();

        var request = Assert.Single(_mock.Requests("/admin/datastore/main/snapshots")).RequestMessage;
        Assert.True(request.Query is null || !request.Query.ContainsKey("ns"));
    }

    [Fact]
    public async Task GetDatastores_403_NamesPbsPrivilege()
    {
        _mock.Stub("GET", "/admin/datastore", 403, """{"data":null,"message":"permission check failed"}""");
        var endpoint = _mock.Endpoint(ProxmoxProduct.Pbs);
        var api = _mock.Pbs(endpoint);

        var ex = await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "GET /admin/datastore", () => api.GetDatastoresAsync(CancellationToken.None))
        );

        Assert.Equal(ProxmoxErrorKind.Forbidden, ex.Kind);
        Assert.Contains("Datastore.Audit", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Mock.Secret, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, "datastore 'main' is unavailable: offline maintenance mode: disk swap")]
    [InlineData(403, "permission check failed - missing Datastore.Audit|Datastore.Backup on /datastore/main")]
    [InlineData(400, "no such datastore 'main'")]
    public async Task GetSnapshots_PlainTextError_ServerTextInMessage(int status, string text)
    {
        _mock.Stub("GET", "/admin/datastore/main/snapshots", status, text + "\nsecond line");
        var endpoint = _mock.Endpoint(ProxmoxProduct.Pbs);
        var api = _mock.Pbs(endpoint);

        var ex = await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "GET snapshots", () => api.GetSnapshotsAsync("main", null, CancellationToken.None))
        );

        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("second line", ex.Message, StringComparison.Ordinal);
        Assert.Single(_mock.Requests("/admin/datastore/main/snapshots"));
    }

    [Fact]
    public async Task GetSnapshots_SlowerThanAttemptTimeout_WaitsLikePveDoesForListings()
    {
        _mock.Stub("GET", "/admin/datastore/main/snapshots", 200, """{"data":[]}""", delay: TimeSpan.FromMilliseconds(800));
        _mock.Stub("GET", "/admin/datastore", 200, """{"data":[]}""", delay: TimeSpan.FromMilliseconds(800));
        var endpoint = _mock.Endpoint(ProxmoxProduct.Pbs);
        var api = _mock.Pbs(
            endpoint,
            Mock.Fast with
            {
                MaxRetries = 0,
                AttemptTimeout = TimeSpan.FromMilliseconds(200),
                ListingTimeout = TimeSpan.FromSeconds(20),
            }
        );

        await (
            await ProxmoxClients.Call(endpoint, "GET snapshots", () => api.GetSnapshotsAsync("main", null, CancellationToken.None))
        ).DisposeAsync();
        var other = await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "GET /admin/datastore", () => api.GetDatastoresAsync(CancellationToken.None))
        );

        Assert.Contains("GET /admin/datastore", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSyncJobs_DirectionAll_SentAsSyncDirection()
    {
        _mock.Stub(
            "GET",
            "/admin/sync",
            200,
            """{"data":[{"id":"s1","store":"main","remote":"far","remote-store":"main","sync-direction":"push","last-run-state":"ok","last-run-endtime":1764000000}]}"""
        );

        var jobs = (await _mock.Pbs().GetSyncJobsAsync("all", CancellationToken.None)).Data!;

        Assert.Equal("push", Assert.Single(jobs).SyncDirection);
        Assert.Equal("all", Assert.Single(_mock.Requests("/admin/sync")).RequestMessage.Query!["sync-direction"].Single());
    }

    [Theory]
    [InlineData(null, null, "", true)]
    [InlineData(null, 0, "", true)]
    [InlineData(null, 0, "homelab", false)]
    [InlineData("homelab", null, "homelab/k8s", true)]
    [InlineData("homelab", 0, "homelab/k8s", false)]
    [InlineData("homelab", null, "homelabx", false)]
    [InlineData("homelab", 1, "homelab/a/b", false)]
    public void Covers_NamespaceAndDepth_AsPbsRecursion(string? jobNs, int? depth, string ns, bool expected) =>
        Assert.Equal(expected, PbsJobReader.Covers(jobNs, depth, ns));
}
