using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfHostSync.Proxmox.Pbs;

internal sealed record PbsData<T>([property: JsonPropertyName("data")] T? Data);

internal sealed record DatastoreDto(
    [property: JsonPropertyName("store")] string Store,
    [property: JsonPropertyName("comment")] string? Comment);

internal sealed record NamespaceDto([property: JsonPropertyName("ns")] string? Ns);

/// <summary>
/// One snapshot of <c>GET /admin/datastore/{store}/snapshots</c>, reduced to what we use: the encryption of its files
/// and the state of its last verification (read by <see cref="SnapshotConverter"/>).
/// </summary>
[JsonConverter(typeof(SnapshotConverter))]
internal sealed record SnapshotDto
{
    public string? BackupType { get; init; }

    public string? BackupId { get; init; }

    public long? BackupTime { get; init; }

    public bool Protected { get; init; }

    /// <summary>Any file with <c>crypt-mode: encrypt</c>.</summary>
    public bool Encrypted { get; init; }

    /// <summary><c>verification.state</c> (ok, failed); null when never verified.</summary>
    public string? VerificationState { get; init; }
}

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
