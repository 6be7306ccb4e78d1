using System.Buffers;
using System.Text.Json;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// Reads the <c>data</c> array of a Proxmox envelope (<c>{"data": [ … ], …}</c>) from a stream one element at a time,
/// so a listing of 100,000s of snapshots never exists as that many objects at once: each element is mapped and becomes
/// garbage while it is still young, and the memory a listing needs no longer grows with the datastore. On the large
/// benchmark estate, buffering the listings instead allocated 3.5 times as much in a first pass (930 against 262 MiB)
/// and raised a restart pass's peak by 16 MB (BENCHMARKS.md, round of 2026-12-03). Its per-read stall watchdog also
/// finds a stalled listing within the endpoint's attempt timeout, where the listing's own attempt may take minutes.
/// </summary>
internal static class DataArrayReader
{
    private const int InitialBuffer = 64 * 1024;

    /// <summary>One element larger than this is no snapshot (a few KB each): a broken or hostile answer, not memory to grow into.</summary>
    internal const int MaxElement = 16 * 1024 * 1024;

    private enum Phase
    {
        Start,
        Envelope,
        Items,
        Done,
    }

    /// <summary>The whole answer must arrive within this, whatever its pace: a slow drip defeats a per-read watchdog.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Calls <paramref name="onItem"/> for every element; false when the envelope has no (or a null) <c>data</c>.
    /// A read that brings nothing for <paramref name="stall"/>, or an answer not complete within <paramref name="deadline"/>
    /// (default <see cref="DefaultDeadline"/>), fails with a <see cref="TimeoutException"/>.
    /// </summary>
    public static async Task<bool> ReadAsync<T>(
        Stream stream,
        JsonSerializerOptions options,
        TimeSpan stall,
        Action<T> onItem,
        CancellationToken cancellationToken,
        TimeSpan? deadline = null
    )
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        using var overall = new CancellationTokenSource(deadline ?? DefaultDeadline);
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, overall.Token);
        try
        {
            var cursor = new Cursor();
            var filled = 0;
            var final = false;
            while (true)
            {
                if (!final)
                {
                    if (filled == buffer.Length)
                    {
                        if (buffer.Length >= MaxElement)
                        {
                            throw new JsonException($"one element of the answer is larger than {MaxElement / (1024 * 1024)} MiB");
                        }

                        // One element larger than the buffer: grow it.
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, filled).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    int read;
                    watchdog.CancelAfter(stall);
                    try
                    {
                        read = await stream.ReadAsync(buffer.AsMemory(filled), watchdog.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw overall.IsCancellationRequested
                            ? new TimeoutException($"the answer did not complete within {(deadline ?? DefaultDeadline).TotalSeconds:0.#} s")
                            : new TimeoutException($"the answer stalled: no data for {stall.TotalSeconds:0.#} s");
                    }

                    watchdog.CancelAfter(Timeout.InfiniteTimeSpan);
                    final = read == 0;
                    filled += read;
                }

                var consumed = Process(buffer.AsSpan(0, filled), final, ref cursor, options, onItem);
                if (cursor.Phase == Phase.Done)
                {
                    return cursor.SawData;
                }

                if (final && consumed == 0)
                {
                    throw new JsonException($"the answer ends inside its JSON (after {cursor.Items} element(s))");
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Consumes every complete step in <paramref name="span"/>; returns the bytes consumed.</summary>
    private static int Process<T>(ReadOnlySpan<byte> span, bool final, ref Cursor cursor, JsonSerializerOptions options, Action<T> onItem)
    {
        var reader = new Utf8JsonReader(span, final, cursor.State);
        while (cursor.Phase != Phase.Done)
        {
            var checkpoint = reader;
            if (!Step(ref reader, ref cursor, options, onItem))
            {
                reader = checkpoint;
                break;
            }
        }

        cursor.State = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    /// <summary>One token-level step, done completely or not at all (false: more bytes are needed).</summary>
    private static bool Step<T>(ref Utf8JsonReader reader, ref Cursor cursor, JsonSerializerOptions options, Action<T> onItem)
    {
        if (!reader.Read())
        {
            return false;
        }

        switch (cursor.Phase)
        {
            case Phase.Start:
                cursor.Phase =
                    reader.TokenType == JsonTokenType.StartObject ? Phase.Envelope : throw new JsonException("the answer is not a JSON object");
                return true;

            case Phase.Envelope when reader.TokenType == JsonTokenType.EndObject:
                cursor.Phase = Phase.Done;
                return true;

            case Phase.Envelope when reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("data"u8):
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    cursor.SawData = true;
                    cursor.Phase = Phase.Items;
                    return true;
                }

                return reader.TokenType == JsonTokenType.Null ? true : throw new JsonException("'data' is not a list");

            case Phase.Envelope:
                return reader.TrySkip();

            case Phase.Items when reader.TokenType == JsonTokenType.EndArray:
                cursor.Phase = Phase.Envelope;
                return true;

            case Phase.Items when reader.TokenType == JsonTokenType.StartObject:
                var probe = reader;
                if (!probe.TrySkip())
                {
                    return false;
                }

                onItem(JsonSerializer.Deserialize<T>(ref reader, options)!);
                cursor.Items++;
                return true;

            case Phase.Items when reader.TokenType == JsonTokenType.Null:
                return true;

            default:
                throw new JsonException($"unexpected {reader.TokenType} in 'data'");
        }
    }

    private struct Cursor
    {
        public JsonReaderState State;
        public Phase Phase;
        public bool SawData;
        public int Items;
    }
}
