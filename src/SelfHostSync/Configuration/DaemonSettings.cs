namespace SelfHostSync.Configuration;

/// <summary>Where to send warnings: each list may be empty.</summary>
internal sealed record NotificationSettings
{
    public static NotificationSettings None { get; } = new();

    public IReadOnlyList<NtfyTarget> Ntfy { get; init; } = [];

    public IReadOnlyList<GotifyTarget> Gotify { get; init; } = [];

    public IReadOnlyList<WebhookTarget> Webhooks { get; init; } = [];

    public SmtpTarget? Smtp { get; init; }

    public Uri? HeartbeatUrl { get; init; }

    public TimeSpan? ReminderInterval { get; init; }

    public bool Any => Ntfy.Count + Gotify.Count + Webhooks.Count > 0 || Smtp is not null;
}

internal sealed record NtfyTarget(Uri Url, string? Token, int Priority);

internal sealed record GotifyTarget(Uri Url, string Token, int Priority);

internal sealed record WebhookTarget(Uri Url, IReadOnlyDictionary<string, string> Headers);

internal enum SmtpSecurity
{
    StartTls,
    SslOnConnect,
    Auto,
    None,
}

internal sealed record SmtpTarget(
    string Host,
    int Port,
    SmtpSecurity Security,
    string? Username,
    string? Password,
    string From,
    IReadOnlyList<string> To
);

/// <summary>The validated settings of the daemon (<c>run</c>).</summary>
internal sealed record DaemonSettings
{
    public static DaemonSettings Default { get; } = new();

    /// <summary>Quartz cron (with seconds): every 15 minutes by default.</summary>
    public string Schedule { get; init; } = "0 */15 * * * ?";

    public IReadOnlyList<Uri> ControlUrls { get; init; } = [new Uri("http://127.0.0.1:8785")];

    /// <summary>Bearer token for the control API; required when it listens beyond loopback.</summary>
    public string? ControlToken { get; init; }

    public NotificationSettings Notifications { get; init; } = NotificationSettings.None;

    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(180);

    public Serilog.Events.LogEventLevel LogLevel { get; init; } = Serilog.Events.LogEventLevel.Information;

    public string? LogFile { get; init; }
}
