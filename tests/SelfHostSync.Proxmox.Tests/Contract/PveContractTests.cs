using SelfHostSync.Proxmox.Gateways;
using SelfHostSync.Proxmox.Http;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace SelfHostSync.Proxmox.Tests.Contract;

/// <summary>The PVE client against WireMock: auth header, envelopes, error mapping, retries and timeouts.</summary>
public sealed class PveContractTests : IDisposable
{
    private readonly Mock _mock = new();

    public void Dispose() => _mock.Dispose();

    [Fact]
    public async Task GetResources_Token_SendsPveApiTokenHeaderWithEqualsSeparator()
    {
        _mock.Stub(
            "GET",
            "/cluster/resources",
            200,
            """{"data":[{"id":"qemu/100","vmid":100,"node":"pve1","type":"qemu","status":"running","name":"web"}]}"""
        );

        var rows = (await _mock.Pve().GetResourcesAsync("vm", CancellationToken.None)).Data!;

        Assert.Equal(100, Assert.Single(rows).Vmid);
        var request = Assert.Single(_mock.Requests("/cluster/resources")).RequestMessage;
        Assert.Equal($"PVEAPIToken {Mock.PveToken}={Mock.Secret}", request.Headers!["Authorization"].Single());
        Assert.Equal("vm", request.Query!["type"].Single());
    }

    [Fact]
    public async Task GetResources_DataNull_BadResponseNamingTheCall()
    {
        _mock.Stub("GET", "/cluster/resources", 200, """{"data":null}""");
        var api = _mock.Pve();
        var endpoint = _mock.Endpoint();

        var ex = await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "GET /cluster/resources", async () =>
                ProxmoxClients.Require(endpoint, "GET /cluster/resources", (await api.GetResourcesAsync("vm", CancellationToken.None)).Data)
            )
        );

        Assert.Equal(ProxmoxErrorKind.BadResponse, ex.Kind);
        Assert.Contains("GET /cluster/resources", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResources_MalformedJson_BadResponse()
    {
        _mock.Stub("GET", "/cluster/resources", 200, """{"data":[{"vmid":""");

        var ex = await CallResources();

        Assert.Equal(ProxmoxErrorKind.BadResponse, ex.Kind);
    }

    [Fact]
    public async Task GetResources_401_UnauthorizedNamesTokenNeverSecret()
    {
        _mock.Stub("GET", "/cluster/resources", 401, """{"data":null,"message":"authentication failure\n"}""");

        var ex = await CallResources();

        Assert.Equal(ProxmoxErrorKind.Unauthorized, ex.Kind);
        Assert.Contains(Mock.PveToken, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Mock.Secret, ex.ToString(), StringComparison.Ordinal);
        Assert.Single(_mock.Requests("/cluster/resources"));
    }

    [Fact]
    public async Task GetConfig_403_NamesPrivilegeAndPath()
    {
        _mock.Stub("GET", "/nodes/pve1/qemu/100/config", 403, """{"data":null,"message":"Permission check failed (/vms/100, VM.Audit)\n"}""");
        var endpoint = _mock.Endpoint();
        var api = _mock.Pve(endpoint);

        var ex = await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "GET config", () => api.GetGuestConfigAsync("pve1", "qemu", 100, CancellationToken.None))
        );

        Assert.Equal(ProxmoxErrorKind.Forbidden, ex.Kind);
        Assert.Contains("VM.Audit", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/vms/100", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task PutConfig_400WithMessageAndErrors_KeepsTheParameterDetails()
    {
        // libpve-http-server 5.2+ (PVE 8.4, 9): both fields; "message" alone says only that verification failed.
        _mock.Stub(
            "PUT",
            "/nodes/pve1/qemu/100/config",
            400,
            """{"data":null,"message":"Parameter verification failed.\n","errors":{"tags":"invalid format - invalid tag 'a b'\n"}}"""
        );

        var ex = await PutTags();

        Assert.Contains("Parameter verification failed. (tags: invalid format - invalid tag 'a b')", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("checksum mismatch (file change by other user?)", ProxmoxErrorKind.DigestConflict)]
    [InlineData("detected modified configuration - file changed by other user? Try again.", ProxmoxErrorKind.DigestConflict)]
    [InlineData("VM is locked (backup)", ProxmoxErrorKind.Locked)]
    [InlineData("unable to write config: disk full", ProxmoxErrorKind.Failed)]
    public async Task PutConfig_500_MappedAndNeverRetried(string message, ProxmoxErrorKind expected)
    {
        _mock.Stub("PUT", "/nodes/pve1/qemu/100/config", 500, $$"""{"data":null,"message":"{{message}}\n"}""");

        var ex = await PutTags();

        Assert.Equal(expected, ex.Kind);
        Assert.Single(_mock.Requests("/nodes/pve1/qemu/100/config"));
    }

    [Fact]
    public async Task PutConfig_503_NotRetriedBecauseWritesAreNotIdempotent()
    {
        _mock.Stub("PUT", "/nodes/pve1/qemu/100/config", 503, "{}");

        var ex = await PutTags();

        Assert.Equal(ProxmoxErrorKind.Failed, ex.Kind);
        Assert.Single(_mock.Requests("/nodes/pve1/qemu/100/config"));
    }

    [Fact]
    public async Task PutConfig_Form_CarriesTagsAndDigestOnly()
    {
        _mock.Stub("PUT", "/nodes/pve1/qemu/100/config", 200, """{"data":null}""");

        await _mock.Pve().PutGuestConfigAsync("pve1", "qemu", 100, new() { ["tags"] = "level-3b;prod", ["digest"] = "abc" }, CancellationToken.None);

        var request = Assert.Single(_mock.Requests("/nodes/pve1/qemu/100/config")).RequestMessage;
        Assert.StartsWith("application/x-www-form-urlencoded", request.Headers!["Content-Type"].Single(), StringComparison.Ordinal);
        Assert.Equal("tags=level-3b%3Bprod&digest=abc", request.Body);
    }

    [Fact]
    public async Task Get_501_NotSupportedByThisVersion()
    {
        _mock.Stub(
            "GET",
            "/cluster/backup-info/not-backed-up",
            501,
            """{"data":null,"message":"Method 'GET /cluster/backup-info/not-backed-up' not implemented"}"""
        );
        var endpoint = _mock.Endpoint();
        var api = _mock.Pve(endpoint);

        var ex = await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "GET not-backed-up", () => api.GetNotBackedUpAsync(CancellationToken.None))
        );

        Assert.Equal(ProxmoxErrorKind.NotSupported, ex.Kind);
        Assert.Contains("not supported by this Proxmox VE version", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_503ThenOk_RetriedAndSucceeds()
    {
        _mock
            .Server.Given(Request.Create().WithPath("/api2/json/nodes").UsingGet())
            .InScenario("flaky")
            .WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503));
        _mock
            .Server.Given(Request.Create().WithPath("/api2/json/nodes").UsingGet())
            .InScenario("flaky")
            .WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"data":[{"node":"pve1","status":"online"}]}"""));

        var nodes = (await _mock.Pve().GetNodesAsync(CancellationToken.None)).Data!;

        Assert.Equal("pve1", Assert.Single(nodes).Node);
        Assert.Equal(2, _mock.Requests("/nodes").Count);
    }

    [Theory]
    [InlineData(595)]
    [InlineData(596)]
    public async Task Get_ProxiedNodeUnreachable_RetriedLikeAGlitch(int status)
    {
        // pveproxy passes on AnyEvent::HTTP's 595 (connection failed) and 596 (timeout) from the node it proxies to.
        _mock.Stub("GET", "/nodes/pve2/storage/nas/content", status, string.Empty);
        var endpoint = _mock.Endpoint();
        var api = _mock.Pve(endpoint);

        await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "GET content", () => api.GetStorageContentAsync("pve2", "nas", "backup", CancellationToken.None))
        );

        Assert.Equal(1 + Mock.Fast.MaxRetries, _mock.Requests("/nodes/pve2/storage/nas/content").Count);
    }

    [Fact]
    public async Task Get403WithoutMessage_OlderPveStillNamesThePrivilege()
    {
        // Before libpve-http-server 5.2 the body has no "message" (the reason phrase carries it, which WireMock cannot set).
        _mock.Stub("GET", "/nodes/pve1/qemu/100/config", 403, """{"data":null}""");
        var endpoint = _mock.Endpoint();
        var api = _mock.Pve(endpoint);

        var ex = await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "GET config", () => api.GetGuestConfigAsync("pve1", "qemu", 100, CancellationToken.None))
        );

        Assert.Equal(ProxmoxErrorKind.Forbidden, ex.Kind);
        Assert.Contains("VM.Audit on /vms/100", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_500Always_RetriedUpToLimitThenFails()
    {
        _mock.Stub("GET", "/nodes", 500, """{"data":null,"message":"proxy loop detected"}""");
        var endpoint = _mock.Endpoint();
        var api = _mock.Pve(endpoint);

        var ex = await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "GET /nodes", () => api.GetNodesAsync(CancellationToken.None))
        );

        Assert.Equal(ProxmoxErrorKind.Failed, ex.Kind);
        Assert.Equal(1 + Mock.Fast.MaxRetries, _mock.Requests("/nodes").Count);
    }

    [Fact]
    public async Task Get_500DoesNotExist_DefinitiveNotRetried()
    {
        _mock.Stub("GET", "/nodes/pve1/storage/gone/content", 500, """{"data":null,"message":"storage 'gone' does not exist\n"}""");
        var endpoint = _mock.Endpoint();
        var api = _mock.Pve(endpoint);

        await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "GET content", () => api.GetStorageContentAsync("pve1", "gone", "backup", CancellationToken.None))
        );

        Assert.Single(_mock.Requests("/nodes/pve1/storage/gone/content"));
    }

    [Fact]
    public async Task Get_SlowerThanTimeout_TimesOutAfterRetries()
    {
        _mock.Stub("GET", "/nodes", 200, """{"data":[]}""", delay: TimeSpan.FromSeconds(3));
        var endpoint = _mock.Endpoint(timeout: TimeSpan.FromMilliseconds(200));
        var api = _mock.Pve(endpoint);

        var ex = await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "GET /nodes", () => api.GetNodesAsync(CancellationToken.None))
        );

        Assert.Contains("timed out", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1 + Mock.Fast.MaxRetries, _mock.Attempts);
    }

    [Fact]
    public async Task Get_ExtraFieldsAndNulls_Tolerated()
    {
        _mock.Stub(
            "GET",
            "/cluster/resources",
            200,
            """{"data":[{"id":"qemu/100","vmid":100,"node":"pve1","type":"qemu","status":"unknown","name":null,"future-field":{"x":1}}],"total":1}"""
        );

        var row = Assert.Single((await _mock.Pve().GetResourcesAsync("vm", CancellationToken.None)).Data!);

        Assert.Null(row.Name);
        Assert.Equal("unknown", row.Status);
    }

    [Fact]
    public async Task GetResources_FiftyMegabyteAnswer_ParsedWithoutFailure()
    {
        var row =
            """{"id":"qemu/100","vmid":100,"node":"pve1","type":"qemu","status":"running","name":"a-rather-long-guest-name-to-fill-the-answer","tags":"prod;level-3b"},""";
        var rows = (50 * 1024 * 1024) / row.Length;
        var body = new System.Text.StringBuilder(52 * 1024 * 1024).Append("{\"data\":[");
        for (var i = 0; i < rows; i++)
        {
            body.Append(row);
        }

        body.Length--;
        body.Append("]}");
        _mock.Stub("GET", "/cluster/resources", 200, body.ToString());

        var data = (await _mock.Pve().GetResourcesAsync("vm", CancellationToken.None)).Data!;

        Assert.Equal(rows, data.Count);
    }

    [Fact]
    public async Task GetResources_TruncatedAnswer_BadResponseOneLine()
    {
        _mock.Stub("GET", "/cluster/resources", 200, """{"data":[{"id":"qemu/100","vmid":100,"node":"pve1","type":"qemu","sta""");

        var ex = await CallResources();

        Assert.Equal(ProxmoxErrorKind.BadResponse, ex.Kind);
        Assert.DoesNotContain('\n', ex.Message);
    }

    private async Task<ProxmoxApiException> CallResources()
    {
        var endpoint = _mock.Endpoint();
        var api = _mock.Pve(endpoint);
        return await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "GET /cluster/resources", async () =>
                ProxmoxClients.Require(endpoint, "GET /cluster/resources", (await api.GetResourcesAsync("vm", CancellationToken.None)).Data)
            )
        );
    }

    private async Task<ProxmoxApiException> PutTags()
    {
        var endpoint = _mock.Endpoint();
        var api = _mock.Pve(endpoint);
        return await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "PUT config", () =>
                api.PutGuestConfigAsync("pve1", "qemu", 100, new() { ["tags"] = "level-3b", ["digest"] = "abc" }, CancellationToken.None)
            )
        );
    }
}
