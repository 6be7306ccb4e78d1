namespace SelfHostSync.Configuration;

/// <summary>Notification channels: ntfy, Gotify, webhooks, SMTP, the heartbeat and reminders.</summary>
internal static class NotificationRules
{
    internal static NotificationSettings Notifications(NotificationsOptions o, List<string> problems, List<string> secrets)
    {
        var ntfy = new List<NtfyTarget>();
        for (var i = 0; i < o.Ntfy.Count; i++)
        {
            var n = o.Ntfy[i];
            var key = $"Notifications.Ntfy[{i}]";
            var url = ConfigValues.HttpUrl($"{key}.Url", n.Url, problems, secrets);
            var token = ConfigValues.OptionalSecret($"{key}.Token", n.Token, n.TokenFile, problems, secrets);
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
            var url = ConfigValues.HttpUrl($"{key}.Url", g.Url, problems, secrets);
            var token = ConfigValues.Secret($"{key}.Token", g.Token, g.TokenFile, problems);
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
            var url = ConfigValues.HttpUrl($"Notifications.Webhooks[{i}].Url", w.Url, problems, secrets);
            secrets.AddRange(w.Headers.Values.Where(v => v.Length >= 8));
            if (url is not null)
            {
                hooks.Add(new WebhookTarget(url, w.Headers));
            }
        }

        Uri? heartbeat = o.HeartbeatUrl is null ? null : ConfigValues.HttpUrl("Notifications.HeartbeatUrl", o.HeartbeatUrl, problems, secrets);
        TimeSpan? reminder = o.ReminderInterval is null
            ? null
            : ConfigValues.Span("Notifications.ReminderInterval", o.ReminderInterval, TimeSpan.FromDays(1), problems);
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

    internal static SmtpTarget? Smtp(SmtpOptions s, List<string> problems, List<string> secrets)
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

        var password = s.Username is null ? null : ConfigValues.Secret("Notifications.Smtp.Password", s.Password, s.PasswordFile, problems);
        if (password is not null)
        {
            secrets.Add(password);
        }

        return problems.Count > before
            ? null
            : new SmtpTarget(s.Host!, s.Port ?? (security == SmtpSecurity.SslOnConnect ? 465 : 587), security, s.Username, password, s.From!, s.To);
    }

    internal static int Priority(string key, int? value, int fallback, List<string> problems, int max = 5)
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
