namespace SelfHostSync.Configuration;

// Binding shapes of the daemon's configuration: notifications, logging, retention. Validated by DaemonRules and NotificationRules.
#pragma warning disable CA1056, CA2227 // URLs are strings in JSON; lists are bound by the configuration binder.

internal sealed class NotificationsOptions
{
    public List<NtfyOptions> Ntfy { get; set; } = [];

    public List<GotifyOptions> Gotify { get; set; } = [];

    public List<WebhookOptions> Webhooks { get; set; } = [];

    public SmtpOptions? Smtp { get; set; }

    public string? HeartbeatUrl { get; set; }

    /// <summary>Re-send open failures when nothing was sent for this long (d.hh:mm:ss); null: never.</summary>
    public string? ReminderInterval { get; set; }
}

internal sealed class NtfyOptions
{
    public string? Url { get; set; }

    public string? Token { get; set; }

    public string? TokenFile { get; set; }

    public int? Priority { get; set; }
}

internal sealed class GotifyOptions
{
    public string? Url { get; set; }

    public string? Token { get; set; }

    public string? TokenFile { get; set; }

    public int? Priority { get; set; }
}

internal sealed class WebhookOptions
{
    public string? Url { get; set; }

    public Dictionary<string, string> Headers { get; set; } = [];
}

internal sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int? Port { get; set; }

    /// <summary>StartTls (default), SslOnConnect, Auto or None.</summary>
    public string? Security { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? PasswordFile { get; set; }

    public string? From { get; set; }

    public List<string> To { get; set; } = [];
}

internal sealed class LoggingOptions
{
    /// <summary>Verbose, Debug, Information (default), Warning, Error.</summary>
    public string? Level { get; set; }

    /// <summary>Also write to this file (rolled daily, 14 kept).</summary>
    public string? File { get; set; }
}
