using System.Collections.Concurrent;

namespace SelfHostSync.Core.Sync;

/// <summary>A configuration read a source kept, as the source wrote it, and when it was read.</summary>
public sealed record KeptRead(string Key, string Payload, DateTimeOffset ReadAt);

/// <summary>
/// What sources learnt in earlier passes that stays true for a while (guest configs, backup jobs, storages, job lists;
/// never evidence), carried across processes by the state store so that a restart or a <c>sync</c> right after
/// another pass reads what a steady pass reads (decision 012). Each source writes and reads its own payloads under
/// keys that name the endpoint and the identity it read as, so a changed endpoint or token starts afresh.
/// </summary>
public sealed class ReadMemory
{
    private readonly ConcurrentDictionary<string, KeptRead> _recalled;
    private readonly ConcurrentDictionary<string, KeptRead> _kept = new(StringComparer.Ordinal);

    public ReadMemory(IEnumerable<KeptRead>? recalled = null)
    {
        _recalled = new ConcurrentDictionary<string, KeptRead>((recalled ?? []).Select(r => KeyValuePair.Create(r.Key, r)), StringComparer.Ordinal);
    }

    /// <summary>Nothing recalled and nothing kept: the memory of a process that does not persist.</summary>
    public static ReadMemory None => new();

    /// <summary>The read an earlier process kept under <paramref name="key"/>, once (the source holds it from then on).</summary>
    public KeptRead? Recall(string key) => _recalled.TryRemove(key, out var read) ? read : null;

    /// <summary>Keeps a read for the next process; the state store writes it after the pass.</summary>
    public void Keep(string key, string payload, DateTimeOffset readAt) => _kept[key] = new KeptRead(key, payload, readAt);

    /// <summary>What was kept since the last call, for the state store to write.</summary>
    public IReadOnlyList<KeptRead> TakeKept()
    {
        var taken = new List<KeptRead>();
        foreach (var key in _kept.Keys)
        {
            if (_kept.TryRemove(key, out var read))
            {
                taken.Add(read);
            }
        }

        return taken;
    }
}
