using SelfHostSync.Configuration;
using SelfHostSync.Core.Sync;
using SelfHostSync.Notifications.Settings;

namespace SelfHostSync.Notifications;

/// <summary>
/// <c>doctor</c> for notification channels that send a credential in clear (reliability review L12): SMTP login over
/// a connection that may stay unencrypted (<c>None</c>, or <c>Auto</c> where a STARTTLS strip goes unnoticed), and
/// tokens or headers to <c>http://</c> Gotify, ntfy and webhook URLs off this host.
/// </summary>
internal static class TransportDoctor
{
    public static IEnumerable<Diagnosis> Diagnose(NotificationSettings settings)
    {
        if (settings.Smtp is { Username: not null, Security: SmtpSecurity.None or SmtpSecurity.Auto } smtp)
        {
            yield return new Diagnosis(
                "notifications:smtp",
                DiagnosisLevel.Warning,
                $"Smtp.Security {smtp.Security} with a Username: the password may cross the network in clear (Auto falls back silently if STARTTLS is stripped); use StartTls or SslOnConnect"
            );
        }

        foreach (
            var (kind, url, credential) in settings
                .Gotify.Select(g => ("gotify", g.Url, true))
                .Concat(settings.Ntfy.Select(n => ("ntfy", n.Url, n.Token is not null)))
                .Concat(settings.Webhooks.Select(w => ("webhook", w.Url, w.Headers.Count > 0)))
        )
        {
            if (credential && url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
            {
                yield return new Diagnosis(
                    $"notifications:{kind}",
                    DiagnosisLevel.Warning,
                    $"{url.GetLeftPart(UriPartial.Authority)} is plain http: its token crosses the network in clear; use https"
                );
            }
        }
    }
}
