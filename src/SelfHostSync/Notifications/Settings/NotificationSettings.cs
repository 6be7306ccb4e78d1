using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfHostSync.Http.Settings;

namespace SelfHostSync.Notifications.Settings;

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

    /// <summary>When the weekly summary is sent (Quartz cron, the host's time zone); null: never.</summary>
    public string? SummarySchedule { get; init; } = DefaultSummarySchedule;

    public const string DefaultSummarySchedule = "0 0 8 ? * MON";

    public bool Any => Ntfy.Count + Gotify.Count + Webhooks.Count > 0 || Smtp is not null;

    /// <summary>The settings from options every rule has passed; tokens, URLs and long header values join <paramref name="known"/> secrets.</summary>
    public static NotificationSettings From(NotificationsOptions o, SecretFiles secrets, ICollection<string> known)
    {
        return new NotificationSettings
        {
            Ntfy =
            [
                .. o.Ntfy.Select(
                    (n, i) =>
                        new NtfyTarget(
                            Url(n.Url),
                            Known(secrets.Optional($"Notifications.Ntfy[{i}].Token", n.Token, n.TokenFile).Value),
                            n.Priority ?? 4
                        )
                ),
            ],
            Gotify =
            [
                .. o.Gotify.Select(
                    (g, i) =>
                        new GotifyTarget(
                            Url(g.Url),
                            Known(secrets.Read($"Notifications.Gotify[{i}].Token", g.Token, g.TokenFile).Value)!,
                            g.Priority ?? 5
                        )
                ),
            ],
            Webhooks = [.. o.Webhooks.Select(w => new WebhookTarget(Url(w.Url), Headers(w.Headers)))],
            Smtp = o.Smtp is { } s ? Smtp(s) : null,
            HeartbeatUrl = o.HeartbeatUrl is null ? null : Url(o.HeartbeatUrl),
            ReminderInterval = o.ReminderInterval is null ? null : Durations.Or(o.ReminderInterval, TimeSpan.FromDays(1)),
            SummarySchedule = o.Summary.Enabled ? o.Summary.Schedule ?? DefaultSummarySchedule : null,
        };

        SmtpTarget Smtp(SmtpOptions s)
        {
            var security = s.Security is null ? SmtpSecurity.StartTls : Enum.Parse<SmtpSecurity>(s.Security, ignoreCase: true);
            var password = s.Username is null ? null : Known(secrets.Read("Notifications.Smtp.Password", s.Password, s.PasswordFile).Value);
            return new SmtpTarget(
                s.Host!,
                s.Port ?? (security == SmtpSecurity.SslOnConnect ? 465 : 587),
                security,
                s.Username,
                password,
                s.From!,
                s.To
            );
        }

        // Heartbeat and webhook URLs often are the secret (a Healthchecks UUID, a Kuma push token).
        Uri Url(string? text)
        {
            var url = new Uri(text!);
            known.Add(url.ToString());
            known.Add(text!);
            if (url.PathAndQuery.Length > 8)
            {
                known.Add(url.PathAndQuery.TrimStart('/'));
            }

            return url;
        }

        Dictionary<string, string> Headers(Dictionary<string, string> headers)
        {
            foreach (var value in headers.Values.Where(v => v.Length >= 8))
            {
                known.Add(value);
            }

            return headers;
        }

        string? Known(string? secret)
        {
            if (secret is not null)
            {
                known.Add(secret);
            }

            return secret;
        }
    }
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

/// <summary>The rules on one value each (the attributes on <see cref="NotificationsOptions"/>), generated.</summary>
[OptionsValidator]
internal sealed partial class NotificationFieldRules : IValidateOptions<NotificationAreaOptions>;

/// <summary>The rules across values: tokens and passwords inline or in a file, SMTP recipients.</summary>
internal sealed class NotificationRules(SecretFiles secrets) : IValidateOptions<NotificationAreaOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationAreaOptions options)
    {
        var o = options.Notifications;
        var problems = new OptionProblems();
        for (var i = 0; i < o.Ntfy.Count; i++)
        {
            problems.Add(secrets.Optional($"Notifications.Ntfy[{i}].Token", o.Ntfy[i].Token, o.Ntfy[i].TokenFile));
        }

        for (var i = 0; i < o.Gotify.Count; i++)
        {
            problems.Add(secrets.Read($"Notifications.Gotify[{i}].Token", o.Gotify[i].Token, o.Gotify[i].TokenFile));
        }

        if (o.Smtp is { } s)
        {
            if (s.To.Count == 0 || s.To.Any(t => !t.Contains('@', StringComparison.Ordinal)))
            {
                problems.Add("Notifications.Smtp.To: give at least one address");
            }

            if (s.Username is not null)
            {
                problems.Add(secrets.Read("Notifications.Smtp.Password", s.Password, s.PasswordFile));
            }
        }

        return problems.Result();
    }
}

/// <summary>How the notification options join the settings container.</summary>
internal static class NotificationSettingsRegistration
{
    public static IServiceCollection AddNotificationSettings(this IServiceCollection services)
    {
        services
            .AddOptions<NotificationAreaOptions>()
            .BindConfiguration(SettingsSection.Name)
            .WithAreaRules<NotificationAreaOptions, NotificationFieldRules, NotificationRules>();
        return services;
    }
}
