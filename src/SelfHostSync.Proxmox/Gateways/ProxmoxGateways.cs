using SelfHostSync.Core.Sync;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>The Proxmox side of a pass: one source per cluster and per backup server, and the tag writer.</summary>
public sealed class ProxmoxGateways : IDisposable
{
    private readonly List<HttpClient> _clients = [];

    public ProxmoxGateways(
        IReadOnlyList<PveCluster> clusters,
        IReadOnlyList<PbsServer> servers,
        TimeProvider time,
        RequestMeter? meter = null,
        ResilienceSettings? resilience = null)
    {
        var pve = clusters.ToDictionary(
            c => c.Name,
            c => (c, ProxmoxClients.Pve(Track(ProxmoxHttp.CreateClient(c.Endpoint, meter, resilience)))),
            StringComparer.Ordinal);
        var catalog = new StorageCatalog(pve, time);
        var direct = servers.Select(s => s.Endpoint.BaseUrl.Host).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var clusterGateways = pve.ToDictionary(
            kv => kv.Key,
            kv => new PveClusterGateway(kv.Value.c, kv.Value.Item2, catalog, direct, time),
            StringComparer.Ordinal);
        var pbsGateways = servers.Select(s =>
            new PbsServerGateway(s, ProxmoxClients.Pbs(Track(ProxmoxHttp.CreateClient(s.Endpoint, meter, resilience))), catalog));
        Sources = [.. clusterGateways.Values, .. pbsGateways];
        TagWriter = new PveTagWriter(clusterGateways);
    }

    public IReadOnlyList<IEvidenceSource> Sources { get; }

    public ITagWriter TagWriter { get; }

    public void Dispose()
    {
        foreach (var c in _clients)
        {
            c.Dispose();
        }
    }

    private HttpClient Track(HttpClient client)
    {
        _clients.Add(client);
        return client;
    }
}
