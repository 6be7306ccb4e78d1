using System.Text;
using System.Text.Json;
using SelfHostSync.Proxmox.Gateways;
using SelfHostSync.Proxmox.Pbs;

namespace SelfHostSync.Proxmox.Tests.Contract;

/// <summary>The streamed reading of a <c>{"data": [ … ]}</c> envelope: chunk boundaries anywhere, odd envelopes, bad input.</summary>
public sealed class DataArrayReaderTests
{
    private static string Snapshot(int id, string comment = "") =>
        "{\"backup-type\":\"vm\",\"backup-id\":\""
        + id
        + "\",\"backup-time\":"
        + (1764000000 + id)
        + ",\"comment\":\""
        + comment
        + "\",\"files\":[{\"filename\":\"drive-scsi0.img.fidx\",\"crypt-mode\":\""
        + (id % 2 == 0 ? "encrypt" : "none")
        + "\",\"size\":512}],\"verification\":{\"state\":\"ok\",\"upid\":\"UPID:x\"}}";

    private static async Task<(bool Found, List<SnapshotDto> Items)> ReadAsync(string json, int chunk, TimeSpan? stall = null)
    {
        var items = new List<SnapshotDto>();
        await using var stream = new ChunkedStream(Encoding.UTF8.GetBytes(json), chunk);
        var found = await DataArrayReader.ReadAsync<SnapshotDto>(
            stream,
            ProxmoxClients.Json,
            stall ?? TimeSpan.FromSeconds(5),
            items.Add,
            CancellationToken.None
        );
        return (found, items);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(1_000_000)]
    public async Task ReadAsync_AnyChunkSize_EveryElementInOrder(int chunk)
    {
        var json =
            $$"""{"total":3,"meta":{"a":[1,{"data":[9]}],"b":null},"data":[{{Snapshot(100)}},null,{{Snapshot(101)}},{{Snapshot(102)}}],"after":"x"}""";

        var (found, items) = await ReadAsync(json, chunk);

        Assert.True(found);
        Assert.Equal(["100", "101", "102"], items.Select(s => s.BackupId));
        Assert.Equal([true, false, true], items.Select(s => s.Encrypted));
        Assert.All(items, s => Assert.Equal("ok", s.VerificationState));
    }

    [Fact]
    public async Task ReadAsync_ElementLargerThanTheBuffer_ReadWhole()
    {
        var json = $$"""{"data":[{{Snapshot(100, new string('x', 300_000))}},{{Snapshot(101)}}]}""";

        var (found, items) = await ReadAsync(json, 8192);

        Assert.True(found);
        Assert.Equal(["100", "101"], items.Select(s => s.BackupId));
    }

    [Theory]
    [InlineData("""{"data":null}""")]
    [InlineData("""{"errors":{"ns":"invalid"}}""")]
    [InlineData("""{}""")]
    public async Task ReadAsync_NoData_False(string json)
    {
        var (found, items) = await ReadAsync(json, 3);

        Assert.False(found);
        Assert.Empty(items);
    }

    [Theory]
    [InlineData("""{"data":[{"backup-type":"vm","backup-id":"100","backup""")]
    [InlineData("""{"data":[""")]
    [InlineData("""{"data":5}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"data":[1]}""")]
    [InlineData("""{"data":[{"backup-time":"soon"}]}""")]
    public async Task ReadAsync_MalformedOrTruncated_JsonException(string json) =>
        await Assert.ThrowsAnyAsync<JsonException>(() => ReadAsync(json, 5));

    [Fact]
    public async Task ReadAsync_AnswerStalls_TimeoutException()
    {
        var items = new List<SnapshotDto>();
        await using var stream = new StallingStream(Encoding.UTF8.GetBytes($$"""{"data":[{{Snapshot(100)}},"""));

        var ex = await Assert.ThrowsAsync<TimeoutException>(() =>
            DataArrayReader.ReadAsync<SnapshotDto>(stream, ProxmoxClients.Json, TimeSpan.FromMilliseconds(200), items.Add, CancellationToken.None)
        );

        Assert.Contains("stalled", ex.Message, StringComparison.Ordinal);
        Assert.Single(items);
    }

    /// <summary>Hands out at most <c>chunk</c> bytes per read.</summary>
    [Fact]
    public async Task ReadAsync_OneHugeElement_RefusedInsteadOfGrowingWithoutEnd()
    {
        var huge = "{\"data\":[{\"backup-type\":\"vm\",\"comment\":\"" + new string('x', DataArrayReader.MaxElement + 1024) + "\"}]}";

        var ex = await Assert.ThrowsAsync<JsonException>(() => ReadAsync(huge, 1 << 20));

        Assert.Contains("larger than 16 MiB", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_SlowDripUnderTheStallTimeout_FailsAtTheDeadline()
    {
        // One byte every 20 ms never trips a 5 s stall watchdog; the whole answer still has a deadline.
        await using var stream = new DrippingStream(
            Encoding.UTF8.GetBytes($$"""{"data":[{{Snapshot(100)}},{{Snapshot(101)}}]}"""),
            TimeSpan.FromMilliseconds(20)
        );

        var ex = await Assert.ThrowsAsync<TimeoutException>(() =>
            DataArrayReader.ReadAsync<SnapshotDto>(
                stream,
                ProxmoxClients.Json,
                TimeSpan.FromSeconds(5),
                _ => { },
                CancellationToken.None,
                deadline: TimeSpan.FromMilliseconds(500)
            )
        );

        Assert.Contains("did not complete within 0.5 s", ex.Message, StringComparison.Ordinal);
    }

    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }

    /// <summary>Sends its bytes, then never anything again (a server that hangs mid-answer).</summary>
    private sealed class StallingStream(byte[] data) : MemoryStream(data)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                return read;
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }

    /// <summary>One byte per interval: a server that keeps the connection just alive.</summary>
    private sealed class DrippingStream(byte[] data, TimeSpan interval) : MemoryStream(data)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(interval, cancellationToken);
            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);
        }
    }
}
