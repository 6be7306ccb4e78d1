using System.Net;
using Quartz;

namespace SelfHostSync.Configuration;

/// <summary>The daemon: schedule, control API (a token beyond loopback), logging, retention.</summary>
internal static class DaemonRules
{
    internal static DaemonSettings Daemon(SelfHostSyncOptions o, List<string> problems, List<string> secrets)
    {
        var schedule = o.Schedule ?? DaemonSettings.Default.Schedule;
        try
        {
            _ = new CronExpression(schedule);
        }
        catch (FormatException ex)
        {
            problems.Add(
                $"Schedule: '{schedule}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. \"0 */15 * * * ?\"): {ex.Message}"
            );
        }

        var urls = new List<Uri>();
        foreach (
            var text in (o.ControlApi.Urls ?? "http://127.0.0.1:8785").Split(
                ';',
                StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries
            )
        )
        {
            if (
                Uri.TryCreate(
                    text.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal),
                    UriKind.Absolute,
                    out var url
                )
                && url.Scheme == Uri.UriSchemeHttp
            )
            {
                urls.Add(url);
            }
            else
            {
                problems.Add($"ControlApi.Urls: '{text}' is not an http:// URL (put a TLS-terminating proxy in front for https)");
            }
        }

        var token = string.IsNullOrWhiteSpace(o.ControlApi.Token) ? null : o.ControlApi.Token.Trim();
        if (token is not null)
        {
            secrets.Add(token);
            if (token.Length < 16)
            {
                problems.Add("ControlApi.Token: too short (use at least 16 random characters, e.g. `openssl rand -hex 24`)");
            }
        }
        else if (urls.FirstOrDefault(u => !IsLoopback(u)) is { } open)
        {
            problems.Add($"ControlApi.Token: required because ControlApi.Urls listens on {open.Host}, beyond loopback");
        }

        var logLevel = Serilog.Events.LogEventLevel.Information;
        if (o.Logging.Level is { } level && !Enum.TryParse(level, ignoreCase: true, out logLevel))
        {
            problems.Add($"Logging.Level: '{level}' is not Verbose, Debug, Information, Warning or Error");
        }

        return new DaemonSettings
        {
            Schedule = schedule,
            ControlUrls = urls,
            ControlToken = token,
            Notifications = NotificationRules.Notifications(o.Notifications, problems, secrets),
            Retention = ConfigValues.Span("Retention", o.Retention, TimeSpan.FromDays(180), problems),
            LogLevel = logLevel,
            LogFile = string.IsNullOrWhiteSpace(o.Logging.File) ? null : o.Logging.File,
        };
    }

    internal static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
