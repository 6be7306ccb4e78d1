using System.Text;
using Microsoft.AspNetCore.Http;

namespace SelfHostSync.Control;

/// <summary>
/// Large text answers (on a 3,000-guest estate the dashboard is 5 MB, a scrape of <c>/metrics</c> 1.5 MB) are written
/// while they are rendered, in pieces of a few dozen KB (<see cref="Dashboard.Html"/>, <see cref="Output.PrometheusText"/>),
/// never built as one string: strings of that size are large-object-heap garbage that an idle daemon, scraped every
/// few seconds, would otherwise carry (BENCHMARKS.md).
/// </summary>
internal static class TextResponse
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// A UTF-8 writer over the response body, written to asynchronously only (its encoder carries a surrogate pair
    /// that straddles two pieces). Dispose it with <c>await using</c>.
    /// </summary>
    public static StreamWriter Writer(HttpResponse response, string contentType)
    {
        response.ContentType = contentType;
        return Writer(response.Body);
    }

    public static StreamWriter Writer(Stream body) => new(body, Utf8, bufferSize: 16 * 1024, leaveOpen: true);

    /// <summary>Hands the builder's text to <paramref name="output"/> chunk by chunk and empties the builder.</summary>
    public static async Task DrainAsync(StringBuilder text, TextWriter output, CancellationToken cancellationToken)
    {
        foreach (var chunk in text.GetChunks())
        {
            await output.WriteAsync(chunk, cancellationToken);
        }

        text.Clear();
    }
}
