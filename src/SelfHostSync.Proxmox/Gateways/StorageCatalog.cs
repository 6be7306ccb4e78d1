using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// The storage configuration (<c>GET /storage</c>) of every cluster, read at most once per pass and shared by the
/// cluster gateway (vzdump storages) and the backup-server gateways (which PBS datastore belongs to which cluster).
/// </summary>
internal sealed class StorageCatalog(
    IReadOnlyDictionary<string, (PveCluster Cluster, IPveApi Api)> clusters,
    TimeProvider time,
    Core.Sync.ReadMemory? memory = null
) : Core.Sync.IStorageDirectory
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
    private readonly Dictionary<string, KeptSlot?> _slots = clusters.ToDictionary(
        kv => kv.Key,
        kv => KeptSlot.For(memory, kv.Value.Cluster.Endpoint, "storages"),
        StringComparer.Ordinal
    );
    private readonly HashSet<string> _recalled = new(StringComparer.Ordinal);
    private readonly HashSet<string> _fromMemory = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public IEnumerable<string> Clusters => clusters.Keys;

    /// <summary>
    /// Drops what is kept of a cluster's storages: the next call reads. With <paramref name="onlyFromMemory"/>, only
    /// what an earlier process kept (a read this process made stands).
    /// </summary>
    public void Forget(string cluster, bool onlyFromMemory = false)
    {
        lock (_gate)
        {
            _recalled.Add(cluster);
            if (!onlyFromMemory || _fromMemory.Contains(cluster))
            {
                _cache.Remove(cluster);
                _fromMemory.Remove(cluster);
            }
        }
    }

    private static async Task<List<StorageDto>> ReadAsync(
        PveCluster c,
        IPveApi api,
        KeptSlot? slot,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var read = await ProxmoxClients.Call(c.Endpoint, "GET /storage", async () =>
            ProxmoxClients.Require(c.Endpoint, "GET /storage", (await api.GetStoragesAsync(cancellationToken)).Data)
        );
        slot?.Keep(read, now);
        return read;
    }

    public Task<List<StorageDto>> GetAsync(string cluster, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var (c, api) = clusters[cluster];
            var slot = _slots[cluster];
            if (_recalled.Add(cluster) && slot?.TryRecall<List<StorageDto>>(out var kept, out var keptAt) == true && keptAt <= now)
            {
                _cache[cluster] = (keptAt, Task.FromResult(kept));
                _fromMemory.Add(cluster);
            }

            if (_cache.TryGetValue(cluster, out var entry) && now - entry.At < _freshness && !entry.Read.IsFaulted && !entry.Read.IsCanceled)
            {
                return entry.Read;
            }

            var read = ReadAsync(c, api, slot, now, cancellationToken);
            _cache[cluster] = (now, read);
            _fromMemory.Remove(cluster);
            return read;
        }
    }
}
