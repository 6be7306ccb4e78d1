using System.Net;
using Quartz;

namespace SelfHostSync.Configuration;

/// <summary>Validation of the daemon's keys: schedule, control API, notifications, logging, retention.</summary>
internal static partial class ConfigValidator
{
    private static DaemonSettings Daemon(SelfHostSyncOptions o, List<string> problems, List<string> secrets)
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
            Notifications = Notifications(o.Notifications, problems, secrets),
            Retention = Span("Retention", o.Retention, TimeSpan.FromDays(180), problems),
            LogLevel = logLevel,
            LogFile = string.IsNullOrWhiteSpace(o.Logging.File) ? null : o.Logging.File,
        };
    }

    internal static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static NotificationSettings Notifications(NotificationsOptions o, List<string> problems, List<string> secrets)
    {
        var ntfy = new List<NtfyTarget>();
        for (var i = 0; i < o.Ntfy.Count; i++)
        {
            var n = o.Ntfy[i];
            var key = $"Notifications.Ntfy[{i}]";
            var url = HttpUrl($"{key}.Url", n.Url, problems, secrets);
            var token = OptionalSecret($"{key}.Token", n.Token, n.TokenFile, problems, secrets);
            if (url is not null)
            {
                ntfy.Add(new NtfyTarget(url, token, Priority($"{key}.Priority", n.Priority, 4, problems)));
            }
        }

        var gotify = new List<GotifyTarget>();
        for (var i = 0; i < o.Gotify.Count; i++)
        {
            var g = o.Gotify[i];
            var key = $"Notifications.Gotify[{i}]";
            var url = HttpUrl($"{key}.Url", g.Url, problems, secrets);
            var token = Secret($"{key}.Token", g.Token, g.TokenFile, problems);
            if (token is not null)
            {
                secrets.Add(token);
            }

            if (url is not null && token is not null)
            {
                gotify.Add(new GotifyTarget(url, token, Priority($"{key}.Priority", g.Priority, 5, problems, max: 10)));
            }
        }

        var hooks = new List<WebhookTarget>();
        for (var i = 0; i < o.Webhooks.Count; i++)
        {
            var w = o.Webhooks[i];
            var url = HttpUrl($"Notifications.Webhooks[{i}].Url", w.Url, problems, secrets);
            secrets.AddRange(w.Headers.Values.Where(v => v.Length >= 8));
            if (url is not null)
            {
                hooks.Add(new WebhookTarget(url, w.Headers));
            }
        }

        Uri? heartbeat = o.HeartbeatUrl is null ? null : HttpUrl("Notifications.HeartbeatUrl", o.HeartbeatUrl, problems, secrets);
        TimeSpan? reminder = o.ReminderInterval is null
            ? null
            : Span("Notifications.ReminderInterval", o.ReminderInterval, TimeSpan.FromDays(1), problems);
        return new NotificationSettings
        {
            Ntfy = ntfy,
            Gotify = gotify,
            Webhooks = hooks,
            Smtp = o.Smtp is null ? null : Smtp(o.Smtp, problems, secrets),
            HeartbeatUrl = heartbeat,
            ReminderInterval = reminder,
        };
    }

    private static SmtpTarget? Smtp(SmtpOptions s, List<string> problems, List<string> secrets)
    {
        var before = problems.Count;
        if (string.IsNullOrWhiteSpace(s.Host))
        {
            problems.Add("Notifications.Smtp.Host: required");
        }

        var security = SmtpSecurity.StartTls;
        if (s.Security is not null && !Enum.TryParse(s.Security, ignoreCase: true, out security))
        {
            problems.Add($"Notifications.Smtp.Security: '{s.Security}' is not StartTls, SslOnConnect, Auto or None");
        }

        if (s.Port is < 1 or > 65535)
        {
            problems.Add($"Notifications.Smtp.Port: {s.Port} is not a port");
        }

        if (string.IsNullOrWhiteSpace(s.From) || !s.From.Contains('@', StringComparison.Ordinal))
        {
            problems.Add($"Notifications.Smtp.From: '{s.From}' is not an address");
        }

        if (s.To.Count == 0 || s.To.Any(t => !t.Contains('@', StringComparison.Ordinal)))
        {
            problems.Add("Notifications.Smtp.To: give at least one address");
        }

        var password = s.Username is null ? null : Secret("Notifications.Smtp.Password", s.Password, s.PasswordFile, problems);
        if (password is not null)
        {
            secrets.Add(password);
        }

        return problems.Count > before
            ? null
            : new SmtpTarget(s.Host!, s.Port ?? (security == SmtpSecurity.SslOnConnect ? 465 : 587), security, s.Username, password, s.From!, s.To);
    }

    /// <summary>An http(s) URL; the whole URL is treated as a secret when it carries a token (query or user info).</summary>
    private static Uri? HttpUrl(string key, string? text, List<string> problems, List<string> secrets)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"{key}: '{(text is null ? null : new string('*', Math.Min(text.Length, 8)))}' is not an http(s) URL");
            return null;
        }

        // Heartbeat and webhook URLs often are the secret (a Healthchecks UUID, a Kuma push token).
        secrets.Add(url.ToString());
        secrets.Add(text!);
        if (url.PathAndQuery.Length > 8)
        {
            secrets.Add(url.PathAndQuery.TrimStart('/'));
        }

        return url;
    }

    private static string? OptionalSecret(string key, string? inline, string? file, List<string> problems, List<string> secrets)
    {
        if (string.IsNullOrEmpty(inline) && string.IsNullOrWhiteSpace(file))
        {
            return null;
        }

        var value = Secret(key, inline, file, problems);
        if (value is not null)
        {
            secrets.Add(value);
        }

        return value;
    }

    private static int Priority(string key, int? value, int fallback, List<string> problems, int max = 5)
    {
        if (value is null)
        {
            return fallback;
        }

        if (value < 1 || value > max)
        {
            problems.Add($"{key}: {value} is outside 1–{max}");
            return fallback;
        }

        return value.Value;
    }
}
