using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Tags;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// The Proxmox side of a pass over the factory's clients: one source per cluster and per backup server, the tag
/// writer, the datacenter tag style and <c>doctor</c>.
/// </summary>
internal sealed class ProxmoxGateways
{
    private readonly IReadOnlyDictionary<string, PveClusterGateway> _clusters;
    private readonly IReadOnlyList<(PveCluster Cluster, Pve.IPveApi Api)> _pve;
    private readonly IReadOnlyList<(PbsServer Server, Pbs.IPbsApi Api)> _pbs;
    private readonly StorageCatalog _catalog;
    private readonly PbsHosts _direct;

    public ProxmoxGateways(ProxmoxTopology topology, IServiceProvider services, TimeProvider time, ReadMemory memory)
    {
        _pve = [.. topology.Clusters.Select(c => (c, ProxmoxClients.Pve(services, c.Endpoint)))];
        _pbs = [.. topology.Servers.Select(s => (s, ProxmoxClients.Pbs(services, s.Endpoint)))];
        _catalog = new StorageCatalog(_pve.ToDictionary(x => x.Cluster.Name, x => x, StringComparer.Ordinal), time, memory);
        _direct = new PbsHosts(topology.Servers, time);
        _clusters = _pve.ToDictionary(
            x => x.Cluster.Name,
            x => new PveClusterGateway(x.Cluster, x.Api, _catalog, _direct, time, memory),
            StringComparer.Ordinal
        );
        Sources = [.. _clusters.Values, .. _pbs.Select(x => new PbsServerGateway(x.Server, x.Api, _catalog, _direct, time, memory))];
        TagWriter = new PveTagWriter(_clusters);
        TagStyle = new PveTagStyleWriter(_pve);
    }

    public IReadOnlyList<IEvidenceSource> Sources { get; }

    public ITagWriter TagWriter { get; }

    public ITagStyleWriter TagStyle { get; }

    /// <summary>The clusters' storages, for sources that link to them (the Synology NAS).</summary>
    public IStorageDirectory Storages => _catalog;

    /// <summary><c>doctor</c>: reach every endpoint and judge the token's privileges.</summary>
    /// <param name="needsSysModify">Tags.ColorMap or Tags.Register is on.</param>
    /// <param name="managedTags">The tags SelfHostSync writes: the datacenter tag policy may reserve them.</param>
    /// <param name="cancellationToken">Stops the checks.</param>
    public async Task<IReadOnlyList<Diagnosis>> DiagnoseAsync(
        bool needsSysModify,
        IReadOnlyCollection<string> managedTags,
        CancellationToken cancellationToken
    )
    {
        var found = new List<Diagnosis>();
        foreach (var (c, api) in _pve)
        {
            found.AddRange(await ProxmoxDoctor.PveAsync(c, api, _direct, needsSysModify, managedTags, cancellationToken));
        }

        foreach (var (s, api) in _pbs)
        {
            found.AddRange(await ProxmoxDoctor.PbsAsync(s, api, _catalog, _direct, cancellationToken));
        }

        return found;
    }
}

/// <summary>The configured clusters and backup servers.</summary>
/// <param name="Clusters">PVE clusters.</param>
/// <param name="Servers">PBS servers.</param>
public sealed record ProxmoxTopology(IReadOnlyList<PveCluster> Clusters, IReadOnlyList<PbsServer> Servers);
