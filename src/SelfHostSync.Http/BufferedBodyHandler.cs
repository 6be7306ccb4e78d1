namespace SelfHostSync.Http;

/// <summary>
/// Reads each answer's body to its end inside the request's own deadline, so a body that stalls after its headers (a
/// network partition, a server worker stuck) fails the attempt instead of waiting forever: Refit deserialises after
/// <c>SendAsync</c> returns, outside every timeout. Streamed answers (<see cref="Streamed"/>) are left to their reader,
/// which has its own stall and total deadlines. The body is capped (<see cref="MaxBody"/>).
/// </summary>
public sealed class BufferedBodyHandler(Func<HttpRequestMessage, bool>? streamed = null) : DelegatingHandler
{
    /// <summary>The largest body buffered: far above any listing we read (a 3,000-guest cluster is a few MB).</summary>
    public const long MaxBody = 256L * 1024 * 1024;

    public static HttpRequestOptionsKey<bool> Streamed { get; } = new("selfhostsync.streamed");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if ((request.Options.TryGetValue(Streamed, out var s) && s) || streamed?.Invoke(request) == true)
        {
            return response;
        }

        try
        {
            await response.Content.LoadIntoBufferAsync(MaxBody, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
