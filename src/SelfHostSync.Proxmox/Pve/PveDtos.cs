using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfHostSync.Proxmox.Pve;

// Wire shapes of the PVE API (api2/json), named exactly as PVE names them. Mapped to Core records by the gateways.

internal sealed record PveData<T>([property: JsonPropertyName("data")] T? Data);

internal sealed record ResourceDto
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("vmid")]
    public int? Vmid { get; init; }

    [JsonPropertyName("node")]
    public string? Node { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("template")]
    public JsonElement? Template { get; init; }

    [JsonPropertyName("pool")]
    public string? Pool { get; init; }

    [JsonPropertyName("lock")]
    public string? Lock { get; init; }

    [JsonPropertyName("tags")]
    public string? Tags { get; init; }

    [JsonPropertyName("hastate")]
    public string? HaState { get; init; }
}

internal sealed record NodeDto([property: JsonPropertyName("node")] string Node, [property: JsonPropertyName("status")] string? Status);

internal sealed record BackupJobDto
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("enabled")]
    public JsonElement? Enabled { get; init; }

    [JsonPropertyName("schedule")]
    public string? Schedule { get; init; }

    [JsonPropertyName("storage")]
    public string? Storage { get; init; }

    [JsonPropertyName("node")]
    public string? Node { get; init; }

    [JsonPropertyName("vmid")]
    public JsonElement? Vmid { get; init; }

    [JsonPropertyName("all")]
    public JsonElement? All { get; init; }

    [JsonPropertyName("exclude")]
    public JsonElement? Exclude { get; init; }

    [JsonPropertyName("pool")]
    public string? Pool { get; init; }
}

internal sealed record StorageDto
{
    [JsonPropertyName("storage")]
    public string? Storage { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("content")]
    public string? Content { get; init; }

    [JsonPropertyName("nodes")]
    public string? Nodes { get; init; }

    [JsonPropertyName("shared")]
    public JsonElement? Shared { get; init; }

    [JsonPropertyName("disable")]
    public JsonElement? Disable { get; init; }

    [JsonPropertyName("server")]
    public string? Server { get; init; }

    [JsonPropertyName("port")]
    public JsonElement? Port { get; init; }

    [JsonPropertyName("datastore")]
    public string? Datastore { get; init; }

    [JsonPropertyName("namespace")]
    public string? Namespace { get; init; }

    [JsonPropertyName("export")]
    public string? Export { get; init; }

    [JsonPropertyName("share")]
    public string? Share { get; init; }

    [JsonPropertyName("subdir")]
    public string? Subdir { get; init; }

    [JsonPropertyName("path")]
    public string? Path { get; init; }

    /// <summary>Protected backups allowed per guest (-1 unlimited); unset: unlimited with Datastore.Allocate, else 5.</summary>
    [JsonPropertyName("max-protected-backups")]
    public JsonElement? MaxProtectedBackups { get; init; }
}

internal sealed record ContentDto
{
    [JsonPropertyName("volid")]
    public string? Volid { get; init; }

    [JsonPropertyName("vmid")]
    public JsonElement? Vmid { get; init; }

    [JsonPropertyName("format")]
    public string? Format { get; init; }

    [JsonPropertyName("ctime")]
    public long? Ctime { get; init; }

    /// <summary>Bytes. PVE reports a PBS snapshot without a manifest (a backup still running, or broken) as 1.</summary>
    [JsonPropertyName("size")]
    public long? Size { get; init; }

    [JsonPropertyName("content")]
    public string? Content { get; init; }

    [JsonPropertyName("subtype")]
    public string? Subtype { get; init; }

    [JsonPropertyName("protected")]
    public JsonElement? Protected { get; init; }

    [JsonPropertyName("encrypted")]
    public JsonElement? Encrypted { get; init; }

    [JsonPropertyName("verification")]
    public VerificationDto? Verification { get; init; }
}

internal sealed record VerificationDto([property: JsonPropertyName("state")] string? State, [property: JsonPropertyName("upid")] string? Upid);

internal sealed record TaskDto
{
    [JsonPropertyName("upid")]
    public string? Upid { get; init; }

    [JsonPropertyName("node")]
    public string? Node { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("user")]
    public string? User { get; init; }

    [JsonPropertyName("starttime")]
    public long? StartTime { get; init; }

    [JsonPropertyName("endtime")]
    public long? EndTime { get; init; }

    [JsonPropertyName("status")]
    public string? Status { get; init; }
}

internal sealed record LogLineDto([property: JsonPropertyName("n")] int N, [property: JsonPropertyName("t")] string? T);

/// <summary><c>GET /cluster/ha/resources</c>: <c>sid</c> is "vm:100" or "ct:101".</summary>
internal sealed record HaResourceDto([property: JsonPropertyName("sid")] string? Sid, [property: JsonPropertyName("state")] string? State);

/// <summary><c>GET /cluster/backup-info/not-backed-up</c>.</summary>
internal sealed record NotBackedUpDto([property: JsonPropertyName("vmid")] int? Vmid, [property: JsonPropertyName("type")] string? Type);

internal sealed record NetworkDto
{
    [JsonPropertyName("iface")]
    public string? Iface { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }
}

internal sealed record VnetDto
{
    [JsonPropertyName("vnet")]
    public string? Vnet { get; init; }

    [JsonPropertyName("zone")]
    public string? Zone { get; init; }
}

internal sealed record StorageStatusDto
{
    [JsonPropertyName("total")]
    public long? Total { get; init; }

    [JsonPropertyName("avail")]
    public long? Avail { get; init; }

    [JsonPropertyName("active")]
    public JsonElement? Active { get; init; }
}
