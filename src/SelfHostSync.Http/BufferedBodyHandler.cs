namespace SelfHostSync.Http;

/// <summary>
/// Reads each answer's body to its end inside the request's own deadline, so a body that stalls after its headers (a
/// network partition, a server worker stuck) fails the attempt instead of waiting forever: Refit deserialises after
/// <c>SendAsync</c> returns, outside every timeout. A read that brings nothing for <paramref name="stall"/> fails at
/// once, even where the attempt may take longer (a PBS snapshot listing has minutes to be built, not to trickle in).
/// The body is capped (<see cref="MaxBody"/>).
/// </summary>
/// <param name="stall">How long one read may bring nothing; null: only the attempt's deadline applies.</param>
public sealed class BufferedBodyHandler(TimeSpan? stall = null) : DelegatingHandler
{
    /// <summary>The largest body buffered: far above any listing we read (a 3,000-guest cluster is a few MB).</summary>
    public const long MaxBody = 256L * 1024 * 1024;

    private const int ReadSize = 64 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            if (stall is null)
            {
                await response.Content.LoadIntoBufferAsync(MaxBody, cancellationToken);
                return response;
            }

            var (body, length) = await ReadAsync(response.Content, stall.Value, cancellationToken);
            var buffered = new ByteArrayContent(body, 0, length);
            foreach (var (name, values) in response.Content.Headers)
            {
                buffered.Headers.TryAddWithoutValidation(name, values);
            }

            response.Content.Dispose();
            response.Content = buffered;
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task<(byte[] Body, int Length)> ReadAsync(HttpContent content, TimeSpan stall, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var body = content.Headers.ContentLength is { } length and <= MaxBody ? new MemoryStream((int)length) : new MemoryStream();
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var buffer = new byte[ReadSize];
        while (true)
        {
            watchdog.CancelAfter(stall);
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, watchdog.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"the answer stalled: no data for {stall.TotalSeconds:0.#} s");
            }

            if (read == 0)
            {
                return (body.GetBuffer(), (int)body.Length);
            }

            if (body.Length + read > MaxBody)
            {
                throw new HttpRequestException($"the answer is larger than {MaxBody / (1024 * 1024)} MiB");
            }

            body.Write(buffer, 0, read);
        }
    }
}
