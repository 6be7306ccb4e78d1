using System.Text.RegularExpressions;

namespace SelfHostSync.Core.Drills;

/// <summary>
/// A check run inside the restored guest through the QEMU guest agent, after it booted: a command, how long it may
/// take, the exit code that means the service is up, and which guests it is for (every criterion given must match; none
/// given: every guest).
/// </summary>
public sealed record ApplicationProbe
{
    public required string Name { get; init; }

    /// <summary>The program and its arguments, run without a shell (<c>["pg_isready", "-q"]</c>).</summary>
    public required IReadOnlyList<string> Command { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(1);

    public int ExitCode { get; init; }

    /// <summary>A tag the source guest carries.</summary>
    public string? Tag { get; init; }

    /// <summary>The pool the source guest is in.</summary>
    public string? Pool { get; init; }

    /// <summary>The source guest's name; <c>*</c> matches any run of characters (<c>db-*</c>).</summary>
    public string? GuestName { get; init; }

    public bool AppliesTo(ClusterGuest source) =>
        (Tag is null || source.Tags.Contains(Tag, StringComparer.OrdinalIgnoreCase))
        && (Pool is null || string.Equals(source.Pool, Pool, StringComparison.Ordinal))
        && (GuestName is null || (source.Name is not null && NameMatches(GuestName, source.Name)));

    private static bool NameMatches(string pattern, string name) =>
        Regex.IsMatch(
            name,
            "^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1)
        );
}

public enum ProbeState
{
    Passed,

    /// <summary>Ran and exited with another code (or was killed by a signal).</summary>
    Failed,

    /// <summary>Did not exit within its timeout.</summary>
    TimedOut,

    /// <summary>Could not run: a container (PVE has no exec API for them), or no guest agent enabled in the restored config.</summary>
    NotAvailable,
}

/// <summary>What one application probe found: its state, the exit code, a short redacted excerpt of its output, how long it ran.</summary>
public sealed record ProbeOutcome(string Name, ProbeState State, int? ExitCode, string? Excerpt, double Seconds)
{
    /// <summary>One line for records and outputs: <c>pg: exit 2 (expected 0): no response</c>.</summary>
    public string Describe(int expected = 0) =>
        State switch
        {
            ProbeState.Passed => $"{Name}: passed",
            ProbeState.Failed when ExitCode is { } code =>
                $"{Name}: exit {code.ToString(System.Globalization.CultureInfo.InvariantCulture)} (expected {expected}){Tail}",
            ProbeState.Failed => $"{Name}: failed{Tail}",
            ProbeState.TimedOut => $"{Name}: no exit within its timeout{Tail}",
            _ => $"{Name}: not run{Tail}",
        };

    /// <summary>A few words for lists: <c>pg passed</c>, <c>system exit 1</c>, <c>web timed out</c>, <c>pg not run</c>.</summary>
    public string Short =>
        State switch
        {
            ProbeState.Passed => $"{Name} passed",
            ProbeState.Failed => ExitCode is { } code
                ? $"{Name} exit {code.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
                : $"{Name} failed",
            ProbeState.TimedOut => $"{Name} timed out",
            _ => $"{Name} not run",
        };

    private string Tail => string.IsNullOrEmpty(Excerpt) ? string.Empty : $": {Excerpt}";
}

/// <summary>A command started in the guest, as the agent reports it.</summary>
public sealed record GuestExecStatus(bool Exited, int? ExitCode, int? Signal, string? Output, string? Errors);

/// <summary>The guest agent could not run or report a command (it stopped answering, or the program does not exist).</summary>
public sealed class GuestExecException(string message, bool agentGone) : Exception(message)
{
    public bool AgentGone { get; } = agentGone;
}
