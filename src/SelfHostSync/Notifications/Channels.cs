using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SelfHostSync.Configuration;
using SelfHostSync.Notifications.Settings;

namespace SelfHostSync.Notifications;

/// <summary>Somewhere a notification goes. Names never contain secrets (they are logged and stored).</summary>
internal interface INotificationChannel
{
    string Name { get; }

    Task SendAsync(NotificationMessage message, CancellationToken cancellationToken);
}

/// <summary>ntfy: POST the text to the topic URL; title, priority and tags as headers; optional bearer token.</summary>
internal sealed class NtfyChannel(HttpClient http, NtfyTarget target) : INotificationChannel
{
    public string Name => $"ntfy:{target.Url.Host}";

    public async Task SendAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new StringContent(message.Text) };
        request.Headers.Add("Title", message.Title);
        request.Headers.Add("Priority", Math.Clamp(message.Severity + target.Priority - 4, 1, 5).ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("Tags", message.Severity >= 4 ? "warning" : "white_check_mark");
        if (target.Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", target.Token);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>Gotify: POST /message with the application token in <c>X-Gotify-Key</c> and a JSON body.</summary>
internal sealed class GotifyChannel(HttpClient http, GotifyTarget target) : INotificationChannel
{
    public string Name => $"gotify:{target.Url.Host}";

    public async Task SendAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target.Url, "message"))
        {
            Content = JsonContent.Create(
                new
                {
                    title = message.Title,
                    message = message.Text,
                    priority = message.Severity >= 4 ? target.Priority : Math.Min(target.Priority, 2),
                }
            ),
        };
        request.Headers.Add("X-Gotify-Key", target.Token);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>A generic webhook: POST the <see cref="NotificationMessage"/> as JSON, with configured headers.</summary>
internal sealed class WebhookChannel(HttpClient http, WebhookTarget target) : INotificationChannel
{
    public string Name => $"webhook:{target.Url.Host}";

    public async Task SendAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = JsonContent.Create(message) };
        foreach (var (name, value) in target.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>E-mail through MailKit: STARTTLS by default, authenticated when a user is configured.</summary>
internal sealed class SmtpChannel(SmtpTarget target) : INotificationChannel
{
    public string Name => $"smtp:{target.Host}";

    public async Task SendAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        using var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(target.From));
        foreach (var to in target.To)
        {
            mail.To.Add(MailboxAddress.Parse(to));
        }

        mail.Subject = message.Title;
        mail.Body = message.Html is null
            ? new TextPart("plain") { Text = message.Text + "\n\n— SelfHostSync" }
            : new BodyBuilder { TextBody = message.Text + "\n\n— SelfHostSync", HtmlBody = message.Html }.ToMessageBody();
        using var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync(
            target.Host,
            target.Port,
            target.Security switch
            {
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                SmtpSecurity.Auto => SecureSocketOptions.Auto,
                SmtpSecurity.None => SecureSocketOptions.None,
                _ => SecureSocketOptions.StartTls,
            },
            cancellationToken
        );
        if (target.Username is not null)
        {
            await client.AuthenticateAsync(target.Username, target.Password ?? string.Empty, cancellationToken);
        }

        await client.SendAsync(mail, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
