using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfHostSync.Proxmox.Pbs;

internal sealed record PbsData<T>([property: JsonPropertyName("data")] T? Data);

internal sealed record DatastoreDto(
    [property: JsonPropertyName("store")] string Store,
    [property: JsonPropertyName("comment")] string? Comment);

internal sealed record NamespaceDto([property: JsonPropertyName("ns")] string? Ns);

internal sealed record SnapshotDto
{
    [JsonPropertyName("backup-type")] public string? BackupType { get; init; }

    [JsonPropertyName("backup-id")] public string? BackupId { get; init; }

    [JsonPropertyName("backup-time")] public long? BackupTime { get; init; }

    /// <summary>Objects <c>{filename, crypt-mode, size}</c> in real answers, plain names in the schema: both are read.</summary>
    [JsonPropertyName("files")] public List<SnapshotFileDto>? Files { get; init; }

    [JsonPropertyName("protected")] public bool? Protected { get; init; }

    /// <summary>Only the state is kept (its UPID is a long string per snapshot that nothing reads).</summary>
    [JsonPropertyName("verification")] public SnapshotVerificationDto? Verification { get; init; }
}

internal sealed record SnapshotVerificationDto(
    [property: JsonPropertyName("state")] string? State);

/// <summary>One row of <c>GET /admin/verify</c> (job config + schedule status).</summary>
internal sealed record VerifyJobDto
{
    [JsonPropertyName("id")] public string? Id { get; init; }

    [JsonPropertyName("store")] public string? Store { get; init; }

    [JsonPropertyName("ns")] public string? Ns { get; init; }

    [JsonPropertyName("max-depth")] public int? MaxDepth { get; init; }

    [JsonPropertyName("schedule")] public string? Schedule { get; init; }

    [JsonPropertyName("last-run-state")] public string? LastRunState { get; init; }

    [JsonPropertyName("last-run-endtime")] public long? LastRunEndtime { get; init; }
}

/// <summary>One row of <c>GET /admin/sync</c> (job config + schedule status).</summary>
internal sealed record SyncJobDto
{
    [JsonPropertyName("id")] public string? Id { get; init; }

    [JsonPropertyName("store")] public string? Store { get; init; }

    [JsonPropertyName("ns")] public string? Ns { get; init; }

    [JsonPropertyName("max-depth")] public int? MaxDepth { get; init; }

    [JsonPropertyName("remote")] public string? Remote { get; init; }

    [JsonPropertyName("remote-store")] public string? RemoteStore { get; init; }

    [JsonPropertyName("sync-direction")] public string? SyncDirection { get; init; }

    [JsonPropertyName("schedule")] public string? Schedule { get; init; }

    [JsonPropertyName("last-run-state")] public string? LastRunState { get; init; }

    [JsonPropertyName("last-run-endtime")] public long? LastRunEndtime { get; init; }
}

/// <summary>One file of a snapshot; only its encryption mode matters to us.</summary>
[JsonConverter(typeof(SnapshotFileConverter))]
internal sealed record SnapshotFileDto(string? CryptMode);

/// <summary>Reads a snapshot file entry given as an object or as a bare file name, keeping nothing else.</summary>
internal sealed class SnapshotFileConverter : JsonConverter<SnapshotFileDto>
{
    private static readonly SnapshotFileDto Plain = new((string?)null);
    private static readonly SnapshotFileDto Encrypted = new("encrypt");

    public override SnapshotFileDto Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // The serializer buffers the whole value before calling us, but the reader is not a final block: TrySkip.
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Skip(ref reader);
            return Plain;
        }

        var encrypted = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var isMode = reader.ValueTextEquals("crypt-mode"u8);
            reader.Read();
            if (isMode && reader.TokenType == JsonTokenType.String)
            {
                encrypted = reader.ValueTextEquals("encrypt"u8);
            }
            else
            {
                Skip(ref reader);
            }
        }

        return encrypted ? Encrypted : Plain;
    }

    private static void Skip(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is (JsonTokenType.StartObject or JsonTokenType.StartArray) && !reader.TrySkip())
        {
            throw new JsonException("snapshot file entry is truncated");
        }
    }

    public override void Write(Utf8JsonWriter writer, SnapshotFileDto value, JsonSerializerOptions options) =>
        throw new NotSupportedException();
}
