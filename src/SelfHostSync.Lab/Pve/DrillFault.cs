namespace SelfHostSync.Lab.Pve;

/// <summary>How a restore drill of a guest goes wrong in the lab.</summary>
public enum DrillFault
{
    None,

    /// <summary>The backup's data is damaged: the restore task fails (a chunk with the wrong digest).</summary>
    CorruptSnapshot,

    /// <summary>Restores and starts, but the OS never comes up: the guest agent never answers (containers stop again).</summary>
    NeverBoots,

    /// <summary>The restore task never finishes until it is stopped.</summary>
    RestoreHangs,

    /// <summary>Boots slowly: the agent ping first fails with a QMP timeout (Agent.pm passes QMP errors on), then answers.</summary>
    SlowAgent,

    /// <summary>The guest agent dies while an application probe runs: every later agent call says it is not running.</summary>
    AgentLostDuringProbe,

    /// <summary>qemu-ga runs with <c>guest-exec</c> in its block list: the agent answers pings but refuses every command.</summary>
    GuestExecDisabled,
}

/// <summary>A task that is running (or just ran) in the lab: restore, start, stop, destroy, vzdump.</summary>
internal sealed class LiveTask
{
    public required string Upid { get; init; }

    public required string Node { get; init; }

    public required string Type { get; init; }

    public required string Id { get; init; }

    public required string User { get; init; }

    public required long StartTime { get; init; }

    public long? EndTime { get; set; }

    /// <summary>Null while running, then "OK" or the error.</summary>
    public string? ExitStatus { get; set; }

    public List<string> Log { get; } = [];

    public CancellationTokenSource Stop { get; } = new();
}
