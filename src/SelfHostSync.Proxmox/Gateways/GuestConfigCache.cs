using System.Collections.Concurrent;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// The guest configs a cluster gateway read, by VMID (decision 004): one stands while its resource row looks the same
/// (node, type, name, template, pool; not tags, status or locks) and it is younger than <c>ConfigRefresh</c>. Kept across
/// processes (decision 012): recalled once on the first pass, written again when a pass read a config or a guest went.
/// </summary>
internal sealed class GuestConfigCache(TimeSpan refresh, TimeProvider time, KeptSlot? slot)
{
    private readonly ConcurrentDictionary<int, CachedConfig> _configs = new();
    private readonly Lock _recall = new();
    private bool _recalled;
    private volatile bool _readSinceKept;

    /// <summary>The config read for this row, while it stands.</summary>
    public GuestConfig? Find(ResourceDto row, DateTimeOffset now)
    {
        Recall();
        return _configs.TryGetValue(row.Vmid!.Value, out var cached) && cached.Row == RowKey.Of(row) && now - cached.ReadAt < refresh
            ? cached.Config
            : null;
    }

    public void Set(ResourceDto row, GuestConfig config, DateTimeOffset readAt, string? digest)
    {
        _configs[row.Vmid!.Value] = new CachedConfig(RowKey.Of(row), config, readAt, digest);
        _readSinceKept = true;
    }

    /// <summary>Drops every config, those an earlier process kept included.</summary>
    public void Clear()
    {
        Recall();
        _configs.Clear();
        _readSinceKept = true;
    }

    /// <summary>Forgets the guests no longer listed, and keeps the configs for the next process if anything changed.</summary>
    public void Keep(IEnumerable<ResourceDto> rows)
    {
        var present = rows.Select(r => r.Vmid!.Value).ToHashSet();
        var gone = _configs.Keys.Where(v => !present.Contains(v)).ToList();
        foreach (var vmid in gone)
        {
            _configs.TryRemove(vmid, out _);
        }

        if (slot is not null && (gone.Count > 0 || _readSinceKept))
        {
            slot.Keep(new Dictionary<int, CachedConfig>(_configs), time.GetUtcNow());
        }

        _readSinceKept = false;
    }

    /// <summary>Once, before the first lookup (lookups run in parallel: the others wait for it).</summary>
    private void Recall()
    {
        lock (_recall)
        {
            if (_recalled)
            {
                return;
            }

            if (slot?.TryRecall<Dictionary<int, CachedConfig>>(out var kept, out _) == true)
            {
                foreach (var (vmid, config) in kept)
                {
                    _configs.TryAdd(vmid, config);
                }
            }

            _recalled = true;
        }
    }

    /// <summary>The fields a pass uses of a guest's config, the row it was read for, when, and the config's digest.</summary>
    private sealed record CachedConfig(RowKey Row, GuestConfig Config, DateTimeOffset ReadAt, string? Digest);

    /// <summary>The parts of a resource row whose change suggests the config changed (not tags, status or locks).</summary>
    private sealed record RowKey(string? Node, string? Type, string? Name, string? Template, string? Pool)
    {
        public static RowKey Of(ResourceDto row) => new(row.Node, row.Type, row.Name, row.Template?.GetRawText(), row.Pool);
    }
}
