using System.Collections.Concurrent;

namespace SelfHostSync.Http;

/// <summary>Counts requests and bytes received per endpoint (for metrics and benchmarks) and the peak in flight.</summary>
public sealed class RequestMeter
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, (long Requests, long Bytes, int PeakInFlight)> Snapshot() =>
        _counters.ToDictionary(kv => kv.Key, kv => (Interlocked.Read(ref kv.Value.Requests), Interlocked.Read(ref kv.Value.Bytes), kv.Value.Peak));

    public Counter For(string key) => _counters.GetOrAdd(key, _ => new Counter());

    public sealed class Counter
    {
#pragma warning disable CA1051 // fields are updated with Interlocked
        public long Requests;
        public long Bytes;
        public int InFlight;
        public int Peak;
#pragma warning restore CA1051

        public void Enter()
        {
            Interlocked.Increment(ref Requests);
            var now = Interlocked.Increment(ref InFlight);
            int peak;
            while (now > (peak = Volatile.Read(ref Peak)) && Interlocked.CompareExchange(ref Peak, now, peak) != peak)
            {
            }
        }

        public void Leave(long bytes)
        {
            Interlocked.Decrement(ref InFlight);
            Interlocked.Add(ref Bytes, bytes);
        }
    }
}

/// <summary>Innermost handler: every attempt that reaches the wire is counted.</summary>
public sealed class MeteringHandler(RequestMeter meter, string key) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var counter = meter.For(key);
        counter.Enter();
        long bytes = 0;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            bytes = response.Content.Headers.ContentLength ?? 0;
            return response;
        }
        finally
        {
            counter.Leave(bytes);
        }
    }
}
