using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// The storage configuration (<c>GET /storage</c>) of every cluster, read at most once per pass and shared by the
/// cluster gateway (vzdump storages) and the backup-server gateways (which PBS datastore belongs to which cluster).
/// </summary>
internal sealed class StorageCatalog(IReadOnlyDictionary<string, (PveCluster Cluster, IPveApi Api)> clusters, TimeProvider time) : Core.Sync.IStorageDirectory
{
    IReadOnlyList<string> Core.Sync.IStorageDirectory.Clusters => [.. clusters.Keys];

    public async Task<IReadOnlyList<Core.Sync.StorageRef>> StoragesAsync(string cluster, CancellationToken cancellationToken) =>
        (await GetAsync(cluster, cancellationToken))
            .Where(s => s.Storage is not null && s.Type is not null)
            .Select(s => new Core.Sync.StorageRef(cluster, s.Storage!, s.Type!, s.Server, s.Export, s.Share, s.Subdir))
            .ToList();

    // Storage definitions are configuration: re-read after the shortest ConfigRefresh of the clusters.
    private readonly TimeSpan _freshness = clusters.Count == 0 ? TimeSpan.FromHours(1) : clusters.Values.Min(c => c.Cluster.ConfigRefresh);
    private readonly Dictionary<string, (DateTimeOffset At, Task<List<StorageDto>> Read)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public IEnumerable<string> Clusters => clusters.Keys;

    public Task<List<StorageDto>> GetAsync(string cluster, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_cache.TryGetValue(cluster, out var entry) && now - entry.At < _freshness && !entry.Read.IsFaulted && !entry.Read.IsCanceled)
            {
                return entry.Read;
            }

            var (c, api) = clusters[cluster];
            var read = ProxmoxClients.Call(c.Endpoint, "GET /storage", async () =>
                ProxmoxClients.Require(c.Endpoint, "GET /storage", (await api.GetStoragesAsync(cancellationToken)).Data));
            _cache[cluster] = (now, read);
            return read;
        }
    }
}
