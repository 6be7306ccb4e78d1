using System.Text.Json.Serialization;

namespace SelfHostSync.Proxmox.Pve;

/// <summary><c>GET /nodes/{node}/tasks/{upid}/status</c>: <c>exitstatus</c> only once stopped.</summary>
internal sealed record TaskStatusDto
{
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("exitstatus")]
    public string? ExitStatus { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }
}

/// <summary><c>GET /nodes/{node}/{type}/{vmid}/status/current</c>, the fields drills read.</summary>
internal sealed record GuestStatusDto
{
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("lock")]
    public string? Lock { get; init; }
}
