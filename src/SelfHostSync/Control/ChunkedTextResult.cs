using System.Text;
using Microsoft.AspNetCore.Http;

namespace SelfHostSync.Control;

/// <summary>
/// A large text answer written to the response chunk by chunk from the builder that rendered it, instead of as one
/// string: on a 3,000-guest estate the dashboard is 5 MB and a scrape of <c>/metrics</c> 1.5 MB, and a string of
/// that size per request is large-object-heap garbage an idle daemon would otherwise keep (BENCHMARKS.md).
/// </summary>
internal sealed class ChunkedTextResult(StringBuilder text, string contentType) : IResult
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.ContentType = contentType;
        var cancellationToken = httpContext.RequestAborted;
        // The writer's encoder carries a surrogate pair that straddles two chunks.
        await using var writer = new StreamWriter(httpContext.Response.Body, Utf8, bufferSize: 16 * 1024, leaveOpen: true);
        foreach (var chunk in text.GetChunks())
        {
            await writer.WriteAsync(chunk, cancellationToken);
        }

        await writer.FlushAsync(cancellationToken);
    }
}
