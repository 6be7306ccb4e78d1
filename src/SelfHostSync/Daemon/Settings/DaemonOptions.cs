using Microsoft.Extensions.Options;
using SelfHostSync.Http.Settings;
using SelfHostSync.Scheduling;

namespace SelfHostSync.Daemon.Settings;

/// <summary>The daemon's part of the <c>SelfHostSync</c> section, as written: schedule, control API, logging, retention.</summary>
internal sealed class DaemonOptions
{
    [QuartzCron("seconds minutes hours day-of-month month day-of-week, e.g. \"0 */15 * * * ?\"", WithReason = true)]
    public string? Schedule { get; set; }

    public ControlApiOptions ControlApi { get; set; } = new();

    /// <summary>How long run history is kept (d.hh:mm:ss, default 180 days).</summary>
    [Duration]
    public string? Retention { get; set; }

    [ValidateObjectMembers]
    public LoggingOptions Logging { get; set; } = new();
}

internal sealed class ControlApiOptions
{
    public string? Urls { get; set; }

    public string? Token { get; set; }

    /// <summary>The secret PVE/PBS webhook targets send in <c>X-SelfHostSync-Secret</c> (<c>POST /api/hooks/proxmox</c>); none: the endpoint refuses every call.</summary>
    public string? HookSecret { get; set; }

    public string? HookSecretFile { get; set; }
}

internal sealed class LoggingOptions
{
    /// <summary>Verbose, Debug, Information (default), Warning, Error.</summary>
    [OneOf(typeof(Serilog.Events.LogEventLevel), "Verbose, Debug, Information, Warning or Error")]
    public string? Level { get; set; }

    /// <summary>Also write to this file (rolled daily, 14 kept).</summary>
    public string? File { get; set; }
}
