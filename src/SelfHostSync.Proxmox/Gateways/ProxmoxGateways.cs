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
    private readonly Func<bool, IReadOnlyCollection<string>, CancellationToken, Task<List<Diagnosis>>> _doctor;

    public ProxmoxGateways(
        IReadOnlyList<PveCluster> clusters,
        IReadOnlyList<PbsServer> servers,
        TimeProvider time,
        RequestMeter? meter = null,
        ResilienceSettings? resilience = null,
        ReadMemory? memory = null)
    {
        var pve = clusters.ToDictionary(
            c => c.Name,
            c => (c, ProxmoxClients.Pve(Track(ProxmoxHttp.CreateClient(c.Endpoint, meter, resilience, time)))),
            StringComparer.Ordinal);
        var catalog = new StorageCatalog(pve, time, memory);
        Storages = catalog;
        var direct = new PbsHosts(servers, time);
        var clusterGateways = pve.ToDictionary(
            kv => kv.Key,
            kv => new PveClusterGateway(kv.Value.c, kv.Value.Item2, catalog, direct, time, memory),
            StringComparer.Ordinal);
        var pbsApis = servers.Select(s => (s, ProxmoxClients.Pbs(Track(ProxmoxHttp.CreateClient(s.Endpoint, meter, resilience, time))))).ToList();
        var pbsGateways = pbsApis.Select(x => new PbsServerGateway(x.s, x.Item2, catalog, direct, time, memory));
        _doctor = async (needsSysModify, managedTags, ct) =>
        {
            var found = new List<Diagnosis>();
            foreach (var (c, api) in pve.Values)
            {
                found.AddRange(await ProxmoxDoctor.PveAsync(c, api, direct, needsSysModify, managedTags, ct));
            }

            foreach (var (s, api) in pbsApis)
            {
                found.AddRange(await ProxmoxDoctor.PbsAsync(s, api, catalog, direct, ct));
            }

            return found;
        };
        Sources = [.. clusterGateways.Values, .. pbsGateways];
        TagWriter = new PveTagWriter(clusterGateways);
        _clusters = clusterGateways;
    }

    public IReadOnlyList<IEvidenceSource> Sources { get; }

    public ITagWriter TagWriter { get; }

    /// <summary>The clusters' storages, for sources that link to them (the Synology NAS).</summary>
    public IStorageDirectory Storages { get; }

    /// <summary><c>doctor</c>: reach every endpoint and judge the token's privileges.</summary>
    /// <param name="needsSysModify">Tags.ColorMap or Tags.Register is on.</param>
    /// <param name="managedTags">The tags SelfHostSync writes: the datacenter tag policy may reserve them.</param>
    public async Task<IReadOnlyList<Diagnosis>> DiagnoseAsync(bool needsSysModify, IReadOnlyCollection<string> managedTags, CancellationToken cancellationToken) =>
        await _doctor(needsSysModify, managedTags, cancellationToken);

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

/// <summary>A cluster connection for restore drills (with the drills' own token when configured).</summary>
public sealed class DrillConnection : IDisposable
{
    private readonly HttpClient _http;
    private readonly PveCluster _cluster;
    private readonly Pve.IPveApi _api;

    public DrillConnection(PveCluster cluster, Core.Drills.VmidRange range, TimeProvider time, RequestMeter? meter = null, ResilienceSettings? resilience = null)
    {
        _http = ProxmoxHttp.CreateClient(cluster.Endpoint, meter, resilience, time);
        _cluster = cluster;
        _api = ProxmoxClients.Pve(_http);
        Cluster = new PveDrillGateway(cluster, _api, range);
    }

    public Core.Drills.IDrillCluster Cluster { get; }

    /// <summary><c>doctor</c>: the drill token's privileges, node, target storage and range.</summary>
    public Task<IReadOnlyList<Diagnosis>> DiagnoseAsync(Core.Drills.DrillSettings settings, CancellationToken cancellationToken) =>
        ProxmoxDoctorDrills.DiagnoseAsync(_cluster, _api, Cluster, settings, cancellationToken);

    public void Dispose() => _http.Dispose();
}
