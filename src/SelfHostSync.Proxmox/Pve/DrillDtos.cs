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

/// <summary>The body of <c>POST …/agent/exec</c>: the program and its arguments.</summary>
internal sealed record AgentExecRequest([property: JsonPropertyName("command")] IReadOnlyList<string> Command);

internal sealed record AgentExecStartedDto([property: JsonPropertyName("pid")] int? Pid);

/// <summary>
/// <c>GET …/agent/exec-status</c>: PVE turns the agent's booleans into 0/1 and decodes the base64 output; exit code,
/// signal and each stream are present only when there is one.
/// </summary>
internal sealed record AgentExecStatusDto
{
    [JsonPropertyName("exited")]
    public System.Text.Json.JsonElement? Exited { get; init; }

    [JsonPropertyName("exitcode")]
    public int? ExitCode { get; init; }

    [JsonPropertyName("signal")]
    public int? Signal { get; init; }

    [JsonPropertyName("out-data")]
    public string? OutData { get; init; }

    [JsonPropertyName("err-data")]
    public string? ErrData { get; init; }
}
