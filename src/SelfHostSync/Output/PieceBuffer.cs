using System.Text;

namespace SelfHostSync.Output;

/// <summary>
/// Text rendered for a large answer (the dashboard, <c>/metrics</c>), handed to its output in pieces of about 32 KB
/// while it is rendered instead of as one string of the whole answer (BENCHMARKS.md, "idle while scraped").
/// </summary>
internal sealed class PieceBuffer(TextWriter output)
{
    private const int PieceSize = 32 * 1024;

    public StringBuilder Text { get; } = new();

    /// <summary>Hands the buffered text over once it is a full piece (call it inside long loops).</summary>
    public Task FlushIfFullAsync(CancellationToken cancellationToken) =>
        Text.Length >= PieceSize ? FlushAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Hands everything buffered over, chunk by chunk (call once at the end).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var chunk in Text.GetChunks())
        {
            await output.WriteAsync(chunk, cancellationToken);
        }

        Text.Clear();
    }
}
