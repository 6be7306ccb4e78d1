namespace SelfHostSync.Daemon;

/// <summary>
/// The daemon's memory policy in one place (decisions 006 and 007): between passes it sits idle for minutes, so after
/// a pass, and after control API requests that left garbage behind, memory goes back to the host with compacting
/// collections and <see cref="NativeHeap.Trim"/>; never while a pass runs. Fed by "pass starting", "pass finished"
/// and "request finished".
/// </summary>
internal sealed class IdleMemory(TimeProvider time, Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime)
{
    private static readonly TimeSpan TrimInterval = TimeSpan.FromSeconds(15);
    private const int TrimCollections = 20;
    private const long RequestGarbageWorthCollecting = 1024 * 1024;
    private int _passes;
    private int _running;
    private int _requestTrimPending;
    private long _allocatedAtCollection;

    private bool Running => Volatile.Read(ref _running) == 1;

    /// <summary>A pass is about to start: no collection begins until it has finished.</summary>
    public void PassStarting() => Volatile.Write(ref _running, 1);

    /// <summary>
    /// A pass reads hundreds of thousands of snapshots; between passes the daemon sits idle for minutes, so give the
    /// memory back to the host (a PBS host has better uses for it) instead of keeping the pass's peak. Called once the
    /// pass's frames are gone (a collection from inside the pass would still see its evidence as live).
    /// </summary>
    public async Task PassFinishedAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _running, 0);
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        Collect();

        // The shared array pools keep the pass's large buffers; after a minute unused they hand back one buffer per
        // full collection every 15 s. Without collections an idle daemon never gets there, so collect every 15 s for
        // a few minutes (a few milliseconds each on a small heap) unless another pass starts.
        var pass = Interlocked.Increment(ref _passes);
        _ = Task.Run(
                async () =>
                {
                    for (var i = 0; i < TrimCollections && Volatile.Read(ref _passes) == pass && !Running; i++)
                    {
                        await Task.Delay(TrimInterval, time, cancellationToken);
                        if (Volatile.Read(ref _passes) == pass && !Running)
                        {
                            Collect();
                        }
                    }
                },
                CancellationToken.None
            )
            .ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    /// <summary>
    /// After the control API answered. A scrape of <c>/metrics</c> or a dashboard on a large estate leaves a few
    /// MB of garbage each time, and between passes nothing else makes the collector run often: a daemon scraped every
    /// few seconds sat 20–30 MB above its idle figure. One compacting collection 15 s after a request that left 1 MB
    /// or more behind (health probes do not; 4 MB was too coarse, BENCHMARKS.md), at most one pending, none while a pass runs.
    /// </summary>
    public void RequestFinished()
    {
        if (
            GC.GetTotalAllocatedBytes() - Volatile.Read(ref _allocatedAtCollection) < RequestGarbageWorthCollecting
            || Interlocked.Exchange(ref _requestTrimPending, 1) == 1
        )
        {
            return;
        }

        _ = Task.Run(
                async () =>
                {
                    try
                    {
                        await Task.Delay(TrimInterval, time, lifetime.ApplicationStopping);
                    }
                    finally
                    {
                        Volatile.Write(ref _requestTrimPending, 0);
                    }

                    if (!Running)
                    {
                        Collect();
                    }
                },
                CancellationToken.None
            )
            .ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    private void Collect()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
        Volatile.Write(ref _allocatedAtCollection, GC.GetTotalAllocatedBytes());
    }
}
