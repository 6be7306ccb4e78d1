using System.Globalization;
using System.Text;
using SelfHostSync.Control;
using SelfHostSync.Dashboard;
using SelfHostSync.Output;

namespace SelfHostSync.Tests.Control;

/// <summary>Large answers are written while they are rendered, in pieces: nothing may be lost or mangled between them.</summary>
public sealed class TextResponseTests
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static async Task<string> WriteAsync(Func<TextWriter, Task> render)
    {
        await using var body = new MemoryStream();
        await using (var writer = TextResponse.Writer(body))
        {
            await render(writer);
            await writer.FlushAsync();
        }

        return Strict.GetString(body.ToArray());
    }

    [Fact]
    public async Task PieceBuffer_SurrogatePairAcrossChunks_SentIntact()
    {
        var body = await WriteAsync(async w =>
        {
            // A builder's first chunk holds 16 characters: the 16th and 17th (one emoji) land in two chunks.
            var buffer = new PieceBuffer(w);
            var text = buffer.Text.Append('x', 15).Append("😀 ünïcode").Append('y', 40_000).Append('€');
            foreach (var chunk in text.GetChunks())
            {
                Assert.True(char.IsHighSurrogate(chunk.Span[^1]));
                break;
            }

            await buffer.FlushAsync(CancellationToken.None);
            Assert.Equal(0, buffer.Text.Length);
        });

        Assert.Equal(new string('x', 15) + "😀 ünïcode" + new string('y', 40_000) + "€", body);
    }

    [Fact]
    public async Task PrometheusText_FamilyLargerThanOnePiece_EverySampleOnceInOrder()
    {
        var samples = Enumerable
            .Range(0, 5_000)
            .Select(i =>
                (
                    (IReadOnlyList<(string, string)>)
                        [("vmid", i.ToString("D5", CultureInfo.InvariantCulture)), ("name", "gäst😀" + i.ToString(CultureInfo.InvariantCulture))],
                    (double)i
                )
            )
            .Reverse()
            .ToList();

        var body = await WriteAsync(async w =>
        {
            var text = new PrometheusText(w);
            await text.FamilyAsync("selfhostsync_test", "gauge", "help", samples, CancellationToken.None);
            await text.FlushAsync(CancellationToken.None);
        });

        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5_002, lines.Length);
        Assert.Equal("selfhostsync_test{vmid=\"00000\",name=\"gäst😀0\"} 0", lines[2]);
        Assert.Equal("selfhostsync_test{vmid=\"04999\",name=\"gäst😀4999\"} 4999", lines[^1]);
        Assert.Equal(lines.Skip(2).Order(StringComparer.Ordinal), lines.Skip(2));
    }

    [Fact]
    public async Task Html_FlushIfFull_OnlyWholePiecesThenTheRest()
    {
        var body = await WriteAsync(async w =>
        {
            var h = new Html(w);
            for (var i = 0; i < 3_000; i++)
            {
                h.Element("td", "Zürich 😀 <" + i.ToString(CultureInfo.InvariantCulture) + ">");
                await h.FlushIfFullAsync(CancellationToken.None);
            }

            await h.FlushAsync(CancellationToken.None);
        });

        Assert.Equal(3_000, body.Split("</td>").Length - 1);
        Assert.StartsWith("<td>Z&#xFC;rich &#x1F600; &lt;0&gt;</td>", body, StringComparison.Ordinal);
        Assert.EndsWith("&lt;2999&gt;</td>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_RenderFailsBeforeWriting_NothingSentOrFlushed()
    {
        // Flushing the response body starts a 200; a failure before the first piece must stay a 500.
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        await using var body = new FlushCountingStream();
        context.Response.Body = body;

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            TextResponse.WriteAsync(context.Response, "text/plain", _ => throw new InvalidOperationException("render failed"), CancellationToken.None)
        );

        Assert.Equal((0L, 0), (body.Length, body.Flushes));
    }

    private sealed class FlushCountingStream : MemoryStream
    {
        public int Flushes { get; private set; }

        public override void Flush()
        {
            Flushes++;
            base.Flush();
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushes++;
            return base.FlushAsync(cancellationToken);
        }
    }
}
