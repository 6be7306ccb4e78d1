namespace SelfHostSync.Daemon;

/// <summary>
/// How long a stop may take, in one place, so the layers agree (reliability review M5): a drill cancelled by
/// <c>systemctl stop</c> gets its whole cleanup (<see cref="Core.Drills.DrillSettings.CleanupTimeout"/>: stop the
/// restore, destroy the scratch guest), the host waits for it, the process's own termination timeout waits for the
/// host, and the unit's <c>TimeoutStopSec</c> (330 s) waits for the process before systemd kills it.
/// </summary>
internal static class StopBudget
{
    /// <summary>Matches the drills' default cleanup budget (5 min).</summary>
    public static readonly TimeSpan Cleanup = TimeSpan.FromMinutes(5);

    /// <summary>The host's graceful shutdown: the cleanup plus a little for the write in flight.</summary>
    public static readonly TimeSpan HostShutdown = Cleanup + TimeSpan.FromSeconds(10);

    /// <summary>After SIGTERM, how long <c>Main</c> waits for the command before it exits with 143.</summary>
    public static readonly TimeSpan ProcessTermination = HostShutdown + TimeSpan.FromSeconds(10);
}
