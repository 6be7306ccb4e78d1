using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfHostSync.Proxmox.Pbs;

internal sealed record PbsData<T>([property: JsonPropertyName("data")] T? Data);

internal sealed record DatastoreDto([property: JsonPropertyName("store")] string Store, [property: JsonPropertyName("comment")] string? Comment)
{
    /// <summary>The <c>maintenance-mode</c> property string (<c>offline,message=…</c>, <c>type=unmount</c>, …); absent when none.</summary>
    [JsonPropertyName("maintenance")]
    public string? Maintenance { get; init; }

    /// <summary>PBS 3.3+: <c>mounted</c>, <c>notmounted</c> (a removable datastore whose device is away) or <c>nonremovable</c>.</summary>
    [JsonPropertyName("mount-status")]
    public string? MountStatus { get; init; }

    /// <summary>PBS 4.1.7+: <c>filesystem</c> or <c>s3</c>.</summary>
    [JsonPropertyName("backend-type")]
    public string? BackendType { get; init; }

    /// <summary>Why snapshots cannot be listed now, or null: PBS refuses reads in these maintenance modes, and on an unmounted device.</summary>
    public string? Unavailable()
    {
        var type = Maintenance?.Split(',')[0] is { } first ? (first.StartsWith("type=", StringComparison.Ordinal) ? first[5..] : first) : null;
        return type switch
        {
            "offline" or "unmount" or "delete" or "s3-refresh" => $"datastore '{Store}' is in maintenance mode ({Maintenance})",
            _ when MountStatus == "notmounted" => $"datastore '{Store}' is not mounted (removable device)",
            _ => null,
        };
    }
}

/// <summary>One row of <c>GET /config/datastore</c>: only the option that verifies new snapshots right away.</summary>
internal sealed record DatastoreConfigDto
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("verify-new")]
    public JsonElement? VerifyNew { get; init; }
}

/// <summary>One row of <c>GET /config/remote</c> (filtered by Remote.Audit, silently).</summary>
internal sealed record RemoteDto
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("host")]
    public string? Host { get; init; }

    [JsonPropertyName("port")]
    public JsonElement? Port { get; init; }
}

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

    /// <summary>A key fingerprint, or every data file <c>crypt-mode: encrypt</c> (as PVE's PBS plugin decides).</summary>
    public bool Encrypted { get; init; }

    /// <summary>
    /// Has a <c>size</c>: PBS read its manifest. Without one the backup is still running, or broken; it is no copy yet.
    /// </summary>
    public bool Complete { get; init; }

    /// <summary><c>verification.state</c> (ok, failed); null when never verified.</summary>
    public string? VerificationState { get; init; }
}

/// <summary>One row of <c>GET /admin/verify</c> (job config + schedule status).</summary>
internal sealed record VerifyJobDto
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("store")]
    public string? Store { get; init; }

    [JsonPropertyName("ns")]
    public string? Ns { get; init; }

    [JsonPropertyName("max-depth")]
    public int? MaxDepth { get; init; }

    [JsonPropertyName("schedule")]
    public string? Schedule { get; init; }

    [JsonPropertyName("last-run-state")]
    public string? LastRunState { get; init; }

    [JsonPropertyName("last-run-endtime")]
    public long? LastRunEndtime { get; init; }
}

/// <summary>One row of <c>GET /admin/sync</c> (job config + schedule status).</summary>
internal sealed record SyncJobDto
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("store")]
    public string? Store { get; init; }

    [JsonPropertyName("ns")]
    public string? Ns { get; init; }

    [JsonPropertyName("max-depth")]
    public int? MaxDepth { get; init; }

    [JsonPropertyName("remote")]
    public string? Remote { get; init; }

    [JsonPropertyName("remote-store")]
    public string? RemoteStore { get; init; }

    [JsonPropertyName("remote-ns")]
    public string? RemoteNs { get; init; }

    [JsonPropertyName("sync-direction")]
    public string? SyncDirection { get; init; }

    [JsonPropertyName("schedule")]
    public string? Schedule { get; init; }

    [JsonPropertyName("last-run-state")]
    public string? LastRunState { get; init; }

    [JsonPropertyName("last-run-endtime")]
    public long? LastRunEndtime { get; init; }
}

/// <summary>One row of <c>GET /admin/datastore/{store}/groups</c>: a guest's backups, summarised.</summary>
internal sealed record GroupDto
{
    [JsonPropertyName("backup-type")]
    public string? BackupType { get; init; }

    [JsonPropertyName("backup-id")]
    public string? BackupId { get; init; }

    [JsonPropertyName("last-backup")]
    public long? LastBackup { get; init; }

    /// <summary>Every snapshot directory of the group, running backups included.</summary>
    [JsonPropertyName("backup-count")]
    public long? BackupCount { get; init; }
}

/// <summary>One row of PBS's <c>GET /nodes/{node}/tasks</c>.</summary>
internal sealed record PbsTaskDto
{
    [JsonPropertyName("upid")]
    public string? Upid { get; init; }

    [JsonPropertyName("worker_type")]
    public string? WorkerType { get; init; }

    /// <summary>Starts with the datastore for datastore work (<c>store</c>, <c>store:job</c>, <c>store:ns:type/id</c>).</summary>
    [JsonPropertyName("worker_id")]
    public string? WorkerId { get; init; }

    [JsonPropertyName("starttime")]
    public long? StartTime { get; init; }

    /// <summary>Absent while the task runs.</summary>
    [JsonPropertyName("endtime")]
    public long? EndTime { get; init; }
}
