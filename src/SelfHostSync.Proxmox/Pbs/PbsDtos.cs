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
