using System.Text.Json;
using SelfHostSync.Proxmox.Pbs;

namespace SelfHostSync.Proxmox.Tests.Contract;

public sealed class SnapshotFileTests
{
    private static readonly JsonSerializerOptions SmallBuffer = new() { DefaultBufferSize = 16 };

    [Theory]
    [InlineData("""[{"filename":"index.json.blob","crypt-mode":"none","size":512},{"filename":"root.pxar.didx","crypt-mode":"encrypt","size":1}]""", true)]
    [InlineData("""[{"filename":"index.json.blob","crypt-mode":"none","size":512}]""", false)]
    [InlineData("""["index.json.blob","drive-scsi0.img.fidx"]""", false)]
    [InlineData("""[{"size":1,"nested":{"crypt-mode":"encrypt"},"crypt-mode":"sign-only"}]""", false)]
    public void Files_ObjectsOrNames_EncryptionRead(string json, bool encrypted)
    {
        var snapshot = JsonSerializer.Deserialize<SnapshotDto>($$"""{"backup-type":"vm","backup-id":"100","backup-time":1,"files":{{json}}}""")!;

        Assert.Equal(encrypted, snapshot.Files!.Any(f => f.CryptMode == "encrypt"));
    }

    [Fact]
    public async Task Files_StreamedInSmallChunks_EncryptionRead()
    {
        var json = """{"data":[{"backup-type":"vm","backup-id":"100","backup-time":1,"files":[{"filename":"index.json.blob","crypt-mode":"none","size":512},{"filename":"x","crypt-mode":"encrypt","size":1}]}]}""";
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));

        var envelope = await JsonSerializer.DeserializeAsync<PbsData<List<SnapshotDto>>>(stream, SmallBuffer);

        Assert.Contains(envelope!.Data![0].Files!, f => f.CryptMode == "encrypt");
    }
}
