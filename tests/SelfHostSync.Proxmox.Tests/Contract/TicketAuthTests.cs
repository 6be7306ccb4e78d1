using System.Net;
using Microsoft.Extensions.Time.Testing;
using SelfHostSync.Proxmox.Gateways;
using SelfHostSync.Proxmox.Http;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace SelfHostSync.Proxmox.Tests.Contract;

/// <summary>Ticket login: cookie on every call, CSRF token on writes, renewal before the 2 h lifetime, one re-login after 401.</summary>
public sealed class TicketAuthTests : IDisposable
{
    private const string Password = "hunter2-very-secret";
    private readonly Mock _mock = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private int _issued;

    public TicketAuthTests()
    {
        _mock
            .Server.Given(Request.Create().WithPath("/api2/json/access/ticket").UsingPost())
            .RespondWith(
                Response
                    .Create()
                    .WithCallback(request =>
                    {
                        var body = request.Body ?? string.Empty;
                        var n = Interlocked.Increment(ref _issued);
                        return body.Contains("password=wrong", StringComparison.Ordinal)
                            ? new WireMock.ResponseMessage
                            {
                                StatusCode = 401,
                                BodyData = new WireMock.Util.BodyData
                                {
                                    BodyAsString = """{"data":null}""",
                                    DetectedBodyType = WireMock.Types.BodyType.String,
                                },
                            }
                            : new WireMock.ResponseMessage
                            {
                                StatusCode = 200,
                                BodyData = new WireMock.Util.BodyData
                                {
                                    BodyAsString =
                                        $$$"""{"data":{"username":"selfhostsync@pve","ticket":"PVE:selfhostsync@pve:T{{{n}}}::sig","CSRFPreventionToken":"CSRF{{{n}}}"}}""",
                                    DetectedBodyType = WireMock.Types.BodyType.String,
                                },
                            };
                    })
            );
        _mock.Stub("GET", "/nodes", 200, """{"data":[{"node":"pve1","status":"online"}]}""");
        _mock.Stub("PUT", "/nodes/pve1/qemu/100/config", 200, """{"data":null}""");
    }

    public void Dispose() => _mock.Dispose();

    [Fact]
    public async Task Get_TicketLogin_SendsCookieAndNoCsrfNoToken()
    {
        await Api().GetNodesAsync(CancellationToken.None);

        var login = Assert.Single(_mock.Requests("/access/ticket")).RequestMessage;
        Assert.Contains("username=selfhostsync%40pve", login.Body, StringComparison.Ordinal);
        var get = Assert.Single(_mock.Requests("/nodes")).RequestMessage;
        Assert.Contains("PVEAuthCookie=PVE%3Aselfhostsync%40pve%3AT1%3A%3Asig", get.Headers!["Cookie"].Single(), StringComparison.Ordinal);
        Assert.False(get.Headers.ContainsKey("CSRFPreventionToken"));
        Assert.False(get.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Put_TicketLogin_SendsCsrfToken()
    {
        await Api().PutGuestConfigAsync("pve1", "qemu", 100, new() { ["tags"] = "x", ["digest"] = "d" }, CancellationToken.None);

        var put = Assert.Single(_mock.Requests("/nodes/pve1/qemu/100/config")).RequestMessage;
        Assert.Equal("CSRF1", put.Headers!["CSRFPreventionToken"].Single());
    }

    [Fact]
    public async Task Get_AfterNinetyMinutes_RenewsWithTicketAsPassword()
    {
        var api = Api();
        await api.GetNodesAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(30));
        await api.GetNodesAsync(CancellationToken.None);
        Assert.Single(_mock.Requests("/access/ticket"));

        _time.Advance(TimeSpan.FromMinutes(61));
        await api.GetNodesAsync(CancellationToken.None);

        var logins = _mock.Requests("/access/ticket").Select(e => e.RequestMessage.Body!).ToList();
        Assert.Equal(2, logins.Count);
        Assert.Contains(logins, b => b.Contains("password=PVE%3Aselfhostsync%40pve%3AT1", StringComparison.Ordinal));
        Assert.Contains("T2", _mock.Requests("/nodes")[^1].RequestMessage.Headers!["Cookie"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_AfterThreeHours_LogsInWithPasswordAgain()
    {
        var api = Api();
        await api.GetNodesAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(3));

        await api.GetNodesAsync(CancellationToken.None);

        var second = _mock.Requests("/access/ticket").Select(e => e.RequestMessage.Body!).Last();
        Assert.Contains("password=" + Uri.EscapeDataString(Password), second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_401WithValidTicket_LogsInAgainOnce()
    {
        _mock
            .Server.Given(Request.Create().WithPath("/api2/json/nodes").UsingGet())
            .InScenario("expired")
            .WillSetStateTo("fresh")
            .RespondWith(Response.Create().WithStatusCode(401));
        _mock
            .Server.Given(Request.Create().WithPath("/api2/json/nodes").UsingGet())
            .InScenario("expired")
            .WhenStateIs("fresh")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"data":[]}"""));

        await Api().GetNodesAsync(CancellationToken.None);

        Assert.Equal(2, _mock.Requests("/access/ticket").Count);
    }

    [Fact]
    public async Task Login_WrongPassword_UnauthorizedNamesUserNotPassword()
    {
        var endpoint = Endpoint("wrong");
        var api = _mock.Pve(endpoint, time: _time);

        var ex = await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            ProxmoxClients.Call(endpoint, "GET /nodes", () => api.GetNodesAsync(CancellationToken.None))
        );

        Assert.Equal(ProxmoxErrorKind.Unauthorized, ex.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.Status);
        Assert.Contains("user selfhostsync@pve", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", ex.Message.Replace("password wrong", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Empty(_mock.Requests("/nodes"));
    }

    private Pve.IPveApi Api() => _mock.Pve(Endpoint(Password), time: _time);

    private ProxmoxEndpoint Endpoint(string password) =>
        new(ProxmoxProduct.Pve, "mock", _mock.Url, "selfhostsync@pve", string.Empty, null) { Password = password };
}
