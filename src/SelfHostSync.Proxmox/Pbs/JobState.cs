namespace SelfHostSync.Proxmox.Pbs;

internal enum JobOutcome
{
    /// <summary>No state: the job is running, or never ran.</summary>
    None,
    Ok,
    Warnings,

    /// <summary>PBS could not read the task's log to tell.</summary>
    Unknown,
    Failed,
}

/// <summary>
/// A PBS job's <c>last-run-state</c>, as <c>TaskState::to_string()</c> writes it (proxmox-rest-server
/// <c>worker_task.rs</c>): <c>OK</c>, <c>WARNINGS: N</c>, <c>unknown</c>, or the bare error text; absent while the
/// job runs or before it ever ran.
/// </summary>
internal static class JobState
{
    public static JobOutcome Of(string? state) =>
        state switch
        {
            null or "" => JobOutcome.None,
            _ when string.Equals(state, "OK", StringComparison.OrdinalIgnoreCase) => JobOutcome.Ok,
            _ when state.StartsWith("WARNINGS", StringComparison.OrdinalIgnoreCase) => JobOutcome.Warnings,
            _ when string.Equals(state, "unknown", StringComparison.OrdinalIgnoreCase) => JobOutcome.Unknown,
            _ => JobOutcome.Failed,
        };

    /// <summary>The job ran to its end: what it copied or verified is there (warnings included).</summary>
    public static bool Completed(string? state) => Of(state) is JobOutcome.Ok or JobOutcome.Warnings;

    /// <summary>Worth telling the operator: warnings, an unreadable outcome, or an error.</summary>
    public static bool Notable(string? state) => Of(state) is JobOutcome.Warnings or JobOutcome.Unknown or JobOutcome.Failed;

    public static string Describe(string? state) =>
        Of(state) switch
        {
            JobOutcome.Warnings => $"completed with warnings ({state})",
            JobOutcome.Unknown => "outcome unknown (PBS cannot read the task log)",
            _ => $"failed: {state}",
        };
}
