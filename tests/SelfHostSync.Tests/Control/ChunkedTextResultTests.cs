using System.Text;
using Microsoft.AspNetCore.Http;
using SelfHostSync.Control;

namespace SelfHostSync.Tests.Control;

public sealed class ChunkedTextResultTests
{
    private static async Task<(string Body, string? ContentType)> SendAsync(StringBuilder text)
    {
        var context = new DefaultHttpContext();
        await using var body = new MemoryStream();
        context.Response.Body = body;

        await new ChunkedTextResult(text, "text/plain; charset=utf-8").ExecuteAsync(context);

        return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.ToArray()), context.Response.ContentType);
    }

    [Fact]
    public async Task ExecuteAsync_SurrogatePairAcrossChunks_SentIntact()
    {
        // A builder of capacity 16 splits the 16th and 17th characters (one emoji) into two chunks.
        var text = new StringBuilder(16).Append('x', 15).Append("😀 ünïcode").Append('y', 40_000).Append('€');
        Assert.True(char.IsHighSurrogate(FirstChunk(text)[^1]));

        var (body, contentType) = await SendAsync(text);

        Assert.Equal(text.ToString(), body);
        Assert.Equal("text/plain; charset=utf-8", contentType);
    }

    [Fact]
    public async Task ExecuteAsync_Empty_EmptyBodyWithoutBom() =>
        Assert.Equal(string.Empty, (await SendAsync(new StringBuilder())).Body);

    private static string FirstChunk(StringBuilder text)
    {
        foreach (var chunk in text.GetChunks())
        {
            return chunk.ToString();
        }

        return string.Empty;
    }
}
