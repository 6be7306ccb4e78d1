using System.Text;
using Microsoft.AspNetCore.Http;

namespace SelfHostSync.Control;

/// <summary>
/// Large text answers (on a 3,000-guest estate the dashboard is 5 MB, a scrape of <c>/metrics</c> 1.5 MB) are written
/// while they are rendered, in pieces of a few dozen KB (<see cref="Output.PieceBuffer"/>),
/// never built as one string: strings of that size are large-object-heap garbage that an idle daemon, scraped every
/// few seconds, would otherwise carry (BENCHMARKS.md).
/// </summary>
internal static class TextResponse
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Writes what <paramref name="render"/> produces to the response as UTF-8, asynchronously only (the writer's
    /// encoder carries a surrogate pair that straddles two pieces). The writer is flushed only when rendering
    /// succeeded: a failure before the first piece stays a 500 instead of becoming an empty 200, and one after it
    /// aborts the response.
    /// </summary>
    public static async Task WriteAsync(HttpResponse response, string contentType, Func<TextWriter, Task> render, CancellationToken cancellationToken)
    {
        response.ContentType = contentType;
        // Not disposed: with leaveOpen it holds nothing but its buffers, and disposing it would flush (see above).
#pragma warning disable CA2000
        var writer = Writer(response.Body);
#pragma warning restore CA2000
        await render(writer);
        await writer.FlushAsync(cancellationToken);
    }

    public static StreamWriter Writer(Stream body) => new(body, Utf8, bufferSize: 16 * 1024, leaveOpen: true);
}
