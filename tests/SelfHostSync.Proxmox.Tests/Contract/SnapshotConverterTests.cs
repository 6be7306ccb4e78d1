using System.Text;
using System.Text.Json;
using SelfHostSync.Proxmox.Gateways;
using SelfHostSync.Proxmox.Pbs;

namespace SelfHostSync.Proxmox.Tests.Contract;

/// <summary>The hand-written snapshot reader: every shape PBS (or its schema) uses, unknown fields, wrong types.</summary>
public sealed class SnapshotConverterTests
{
    private static readonly JsonSerializerOptions SmallBuffer = new() { DefaultBufferSize = 16 };

    private static SnapshotDto Read(string fields) => JsonSerializer.Deserialize<SnapshotDto>("{" + fields + "}", ProxmoxClients.Json)!;

    [Theory]
    [InlineData(
        """[{"filename":"index.json.blob","crypt-mode":"none","size":512},{"filename":"root.pxar.didx","crypt-mode":"encrypt","size":1}]""",
        true
    )]
    [InlineData("""[{"filename":"index.json.blob","crypt-mode":"none","size":512}]""", false)]
    [InlineData("""["index.json.blob","drive-scsi0.img.fidx"]""", false)]
    [InlineData("""[{"size":1,"nested":{"crypt-mode":"encrypt"},"crypt-mode":"sign-only"}]""", false)]
    [InlineData("""[]""", false)]
    [InlineData("""null""", false)]
    [InlineData("""[{"filename":"drive-scsi0.img.fidx","crypt-mode":"encrypt"},{"filename":"drive-scsi1.img.fidx","crypt-mode":"none"}]""", false)]
    [InlineData(
        """[{"filename":"client.log.blob","crypt-mode":"none"},{"filename":"drive-scsi0.img.fidx","crypt-mode":"encrypt"},{"filename":"qemu-server.conf.blob","crypt-mode":"encrypt"}]""",
        true
    )]
    public void Read_FilesAsObjectsOrNames_EncryptionFound(string files, bool encrypted)
    {
        var snapshot = Read(
            $$"""
            "backup-type":"vm","backup-id":"100","backup-time":1,"files":{{files}}
            """
        );

        Assert.Equal(encrypted, snapshot.Encrypted);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(999_999_999_999_999)]
    [InlineData(long.MinValue)]
    public void Epoch_AbsurdSeconds_ClampedNotThrown(long seconds)
    {
        // One corrupt date must mark its item, not fail the listing (the pass's future-date check takes it out).
        var at = Wire.Epoch(seconds);

        Assert.True(at == DateTimeOffset.MaxValue || at == DateTimeOffset.MinValue);
    }

    [Fact]
    public void Read_KeyFingerprint_EncryptedWhateverTheFiles() =>
        Assert.True(
            Read(
                """
                "backup-type":"vm","backup-id":"100","backup-time":1,"files":[{"filename":"index.json.blob","crypt-mode":"none"}],"fingerprint":"bb:7c:1f"
                """
            ).Encrypted
        );

    [Theory]
    [InlineData(""","size":34359738880""", true)]
    [InlineData("", false)]
    [InlineData(""","size":null""", false)]
    public void Read_SizePresent_CompleteElseStillRunning(string size, bool complete) =>
        Assert.Equal(
            complete,
            Read(
                $$"""
                "backup-type":"vm","backup-id":"100","backup-time":1,"files":[{"filename":"drive-scsi0.img.fidx"}]{{size}}
                """
            ).Complete
        );

    [Fact]
    public void Read_RealAnswer_KeepsWhatWeUseAndSkipsTheRest()
    {
        var snapshot = Read(
            """
            "backup-type":"ct","backup-id":"201","backup-time":1764000000,"comment":"nightly","owner":"pve@pbs!t",
            "size":1024,"fingerprint":null,"protected":true,"unknown":{"deep":[1,[2,{"state":"failed"}]]},
            "verification":{"upid":"UPID:pbs:1:2:3:4:verificationjob::root@pam:","state":"failed","extra":[true]},
            "files":[{"filename":"index.json.blob","crypt-mode":"none","size":1},{"filename":"root.pxar.didx","crypt-mode":"encrypt","size":1023}]
            """
        );

        Assert.Equal(
            new SnapshotDto
            {
                BackupType = "ct",
                BackupId = "201",
                BackupTime = 1764000000,
                Protected = true,
                Encrypted = true,
                Complete = true,
                VerificationState = "failed",
            },
            snapshot
        );
    }

    [Theory]
    [InlineData("\"protected\":false", false)]
    [InlineData("\"protected\":1", true)]
    [InlineData("\"protected\":0", false)]
    [InlineData("\"protected\":null", false)]
    public void Read_ProtectedAsBooleanOrFlag_Read(string field, bool expected) =>
        Assert.Equal(expected, Read("\"backup-type\":\"vm\"," + field).Protected);

    [Fact]
    public void Read_BackupTimeAsNumericString_Read() => Assert.Equal(1764000000L, Read("\"backup-time\":\"1764000000\"").BackupTime);

    [Fact]
    public void Read_NoVerificationOrNoState_Null()
    {
        Assert.Null(Read("\"backup-id\":\"1\"").VerificationState);
        Assert.Null(Read("\"verification\":null").VerificationState);
        Assert.Null(Read("\"verification\":{\"upid\":\"x\"}").VerificationState);
    }

    [Theory]
    [InlineData("\"backup-time\":\"yesterday\"", "'backup-time' is String, not a whole number")]
    [InlineData("\"backup-time\":1.5", "'backup-time' is Number, not a whole number")]
    [InlineData("\"backup-id\":100", "'backup-id' is Number, not a string")]
    [InlineData("\"backup-type\":[\"vm\"]", "'backup-type' is StartArray, not a string")]
    [InlineData("\"protected\":\"yes\"", "'protected' is String, not a boolean")]
    [InlineData("\"files\":{\"crypt-mode\":\"encrypt\"}", "'files' is StartObject, not a list")]
    [InlineData("\"verification\":\"ok\"", "'verification' is String, not an object")]
    [InlineData("\"verification\":{\"state\":1}", "'verification.state' is Number, not a string")]
    public void Read_FieldOfTheWrongType_JsonExceptionNamingIt(string field, string message)
    {
        var ex = Assert.Throws<JsonException>(() => Read(field));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NotAnObject_JsonException() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<SnapshotDto>("[1]", ProxmoxClients.Json));

    [Fact]
    public async Task Read_StreamedInSmallChunks_SameResult()
    {
        // Nested unknown values inside the snapshot and a file entry, and a long tail after the list: the serializer
        // hands the converter a reader that is not the final block, so skipping must not assume the rest is there.
        var tail = new string('x', 8192);
        var json =
            $$$"""{"data":[{"backup-type":"vm","backup-id":"100","backup-time":1,"comment":"a long comment that spans several buffers","owner":{"a":[1,{"b":[2]}]},"files":[{"filename":"index.json.blob","extra":{"c":[3,[4]]},"crypt-mode":"none","size":512},{"filename":"x","crypt-mode":"encrypt","size":1}],"verification":{"state":"ok","upid":"UPID:pbs:0000A1B2:0012C3D4:00000000:00000000:verificationjob::root@pam:"}}],"tail":"{{{tail}}}"}""";
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));

        var envelope = await JsonSerializer.DeserializeAsync<PbsData<List<SnapshotDto>>>(stream, SmallBuffer);

        var snapshot = Assert.Single(envelope!.Data!);
        Assert.Equal((true, "ok", 1L), (snapshot.Encrypted, snapshot.VerificationState, snapshot.BackupTime!.Value));
    }
}
