namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// A configuration read kept for a while (backup jobs, HA resources, storages, PBS job lists): they change rarely,
/// and re-reading them every pass would cost more requests than the evidence itself. Failures are never kept. With a
/// <see cref="KeptSlot"/>, a read an earlier process kept counts until it is as old as <paramref name="lifetime"/>.
/// </summary>
internal sealed class Refreshing<T>(TimeSpan lifetime, TimeProvider time, KeptSlot? slot = null)
    where T : class
{
    private volatile Kept? _kept;
    private bool _recalled;

    /// <summary>The kept value while fresh, else a new read (each gateway reads once per pass, so no lock is needed).</summary>
    public async Task<T> GetAsync(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_recalled)
        {
            _recalled = true;
            if (slot is not null && slot.TryRecall<T>(out var recalled, out var at))
            {
                _kept = new Kept(recalled, at);
            }
        }

        if (_kept is { } kept && time.GetUtcNow() - kept.At < lifetime && kept.At <= time.GetUtcNow())
        {
            return kept.Value;
        }

        var value = await read();
        var now = time.GetUtcNow();
        _kept = new Kept(value, now);
        slot?.Keep(value, now);
        return value;
    }

    /// <summary>Drops the kept value (and what an earlier process kept): the next call reads.</summary>
    public void Forget()
    {
        _recalled = true;
        _kept = null;
    }

    private sealed record Kept(T Value, DateTimeOffset At);
}
