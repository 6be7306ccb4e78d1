using SelfHostSync.Http;
using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Tags;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>The Proxmox side of a pass: one source per cluster and per backup server, and the tag writer.</summary>
public sealed class ProxmoxGateways : IDisposable
{
    private readonly List<HttpClient> _clients = [];
    private readonly IReadOnlyDictionary<string, PveClusterGateway> _clusters;

    public ProxmoxGateways(
        IReadOnlyList<PveCluster> clusters,
        IReadOnlyList<PbsServer> servers,
        TimeProvider time,
        RequestMeter? meter = null,
        ResilienceSettings? resilience = null)
    {
        var pve = clusters.ToDictionary(
            c => c.Name,
            c => (c, ProxmoxClients.Pve(Track(ProxmoxHttp.CreateClient(c.Endpoint, meter, resilience, time)))),
            StringComparer.Ordinal);
        var catalog = new StorageCatalog(pve, time);
        Storages = catalog;
        var direct = servers.Select(s => s.Endpoint.BaseUrl.Host).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var clusterGateways = pve.ToDictionary(
            kv => kv.Key,
            kv => new PveClusterGateway(kv.Value.c, kv.Value.Item2, catalog, direct, time),
            StringComparer.Ordinal);
        var pbsGateways = servers.Select(s =>
            new PbsServerGateway(s, ProxmoxClients.Pbs(Track(ProxmoxHttp.CreateClient(s.Endpoint, meter, resilience, time))), catalog));
        Sources = [.. clusterGateways.Values, .. pbsGateways];
        TagWriter = new PveTagWriter(clusterGateways);
        _clusters = clusterGateways;
    }

    public IReadOnlyList<IEvidenceSource> Sources { get; }

    public ITagWriter TagWriter { get; }

    /// <summary>The clusters' storages, for sources that link to them (the Synology NAS).</summary>
    public IStorageDirectory Storages { get; }

    /// <summary>Merges managed tag colours / registration into each cluster's datacenter options; one line per cluster.</summary>
    public async Task<IReadOnlyList<(string Cluster, bool Ok, string Message)>> ApplyTagStyleAsync(
        TagVocabulary vocabulary,
        bool colorMap,
        bool register,
        CancellationToken cancellationToken)
    {
        var results = new List<(string, bool, string)>();
        foreach (var (name, cluster) in _clusters.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            try
            {
                results.Add((name, true, await cluster.ApplyTagStyleAsync(vocabulary, colorMap, register, cancellationToken)));
            }
            catch (ProxmoxApiException ex)
            {
                results.Add((name, false, ex.Message));
            }
        }

        return results;
    }

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
