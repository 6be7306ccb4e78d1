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

    [JsonPropertyName("files")] public List<JsonElement>? Files { get; init; }

    [JsonPropertyName("protected")] public bool? Protected { get; init; }

    [JsonPropertyName("verification")] public SnapshotVerificationDto? Verification { get; init; }

    [JsonPropertyName("fingerprint")] public string? Fingerprint { get; init; }
}

internal sealed record SnapshotVerificationDto(
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("upid")] string? Upid);
