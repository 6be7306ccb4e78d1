using Microsoft.Extensions.DependencyInjection;
using SelfHostSync.Http;
using SelfHostSync.Proxmox.Gateways;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pbs;
using SelfHostSync.Proxmox.Pve;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace SelfHostSync.Proxmox.Tests.Contract;

/// <summary>A WireMock server standing in for PVE or PBS, and our real client stack pointed at it.</summary>
internal sealed class Mock : IDisposable
{
    public const string PveToken = "selfhostsync@pve!sync";
    public const string Secret = "0b7e1c55-secret-4d1e-9f3a-c0ffee";

    private readonly List<ServiceProvider> _providers = [];

    public WireMockServer Server { get; } = WireMockServer.Start();

    public Uri Url => new(Server.Url!);

    public ProxmoxEndpoint Endpoint(ProxmoxProduct product = ProxmoxProduct.Pve, TimeSpan? timeout = null, int concurrency = 4) =>
        new(
            product,
            "mock",
            Url,
            product == ProxmoxProduct.Pve ? PveToken : "selfhostsync@pbs!sync",
            Secret,
            null,
            MaxConcurrentRequests: concurrency,
            Timeout: timeout
        );

    /// <summary>Counts the attempts that really left the client (retries included).</summary>
    public RequestMeter Meter { get; } = new();

    public long Attempts => Meter.Snapshot().Values.Sum(v => v.Requests);

    public IPveApi Pve(ProxmoxEndpoint? endpoint = null, ResilienceSettings? resilience = null, TimeProvider? time = null) =>
        ProxmoxClients.Pve(Provider(endpoint ??= Endpoint(), Meter, resilience ?? Fast, time), endpoint);

    public IPbsApi Pbs(ProxmoxEndpoint? endpoint = null, ResilienceSettings? resilience = null) =>
        ProxmoxClients.Pbs(Provider(endpoint ??= Endpoint(ProxmoxProduct.Pbs), new RequestMeter(), resilience ?? Fast, null), endpoint);

    /// <summary>Retries without real waiting, so the tests stay fast.</summary>
    public static ResilienceSettings Fast { get; } = new() { MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(1) };

    public void Stub(string method, string path, int status, string body, TimeSpan? delay = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json;charset=UTF-8").WithBody(body);
        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }

        Server.Given(Request.Create().WithPath("/api2/json" + path).UsingMethod(method)).RespondWith(response);
    }

    public IReadOnlyList<ILogEntry> Requests(string path) => Server.LogEntries.Where(e => e.RequestMessage.Path == "/api2/json" + path).ToList();

    public void Dispose()
    {
        foreach (var p in _providers)
        {
            p.Dispose();
        }

        Server.Stop();
        Server.Dispose();
    }

    /// <summary>The endpoint's client as the executable registers it (<see cref="ProxmoxHttp.AddProxmoxClient"/>).</summary>
    private ServiceProvider Provider(ProxmoxEndpoint endpoint, RequestMeter meter, ResilienceSettings resilience, TimeProvider? time)
    {
        var services = new ServiceCollection().AddSingleton(meter).AddSingleton(time ?? TimeProvider.System);
        services.AddProxmoxClient(endpoint, resilience);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }
}
