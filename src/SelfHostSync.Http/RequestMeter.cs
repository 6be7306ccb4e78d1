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
            while (now > (peak = Volatile.Read(ref Peak)) && Interlocked.CompareExchange(ref Peak, now, peak) != peak) { }
        }

        public void Leave() => Interlocked.Decrement(ref InFlight);

        public void Received(long bytes) => Interlocked.Add(ref Bytes, bytes);
    }
}

/// <summary>Innermost handler: every attempt that reaches the wire is counted.</summary>
public sealed class MeteringHandler(RequestMeter meter, string key) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var counter = meter.For(key);
        counter.Enter();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            var inner = response.Content;
            var counted = new StreamContent(new CountingStream(await inner.ReadAsStreamAsync(cancellationToken), counter));
            foreach (var header in inner.Headers)
            {
                counted.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = counted;
            return response;
        }
        finally
        {
            counter.Leave();
        }
    }
}

/// <summary>Counts the bytes read from a response body as the caller streams it.</summary>
internal sealed class CountingStream(Stream inner, RequestMeter.Counter counter) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Counted(int n)
    {
        counter.Received(n);
        return n;
    }
}
