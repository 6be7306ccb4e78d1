namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// A configuration read kept for a while (backup jobs, HA resources, storages, PBS job lists): they change rarely,
/// and re-reading them every pass would cost more requests than the evidence itself. Failures are never kept.
/// </summary>
internal sealed class Refreshing<T>(TimeSpan lifetime, TimeProvider time)
    where T : class
{
    private volatile Kept? _kept;

    /// <summary>The kept value while fresh, else a new read (each gateway reads once per pass, so no lock is needed).</summary>
    public async Task<T> GetAsync(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_kept is { } kept && time.GetUtcNow() - kept.At < lifetime)
        {
            return kept.Value;
        }

        var value = await read();
        _kept = new Kept(value, time.GetUtcNow());
        return value;
    }

    private sealed record Kept(T Value, DateTimeOffset At);
}
