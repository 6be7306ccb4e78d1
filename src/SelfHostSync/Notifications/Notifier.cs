using System.Text.Json;
using SelfHostSync.Configuration;
using SelfHostSync.Core.Alerts;
using SelfHostSync.Core.Sync;
using SelfHostSync.Notifications.Settings;
using SelfHostSync.State;
using Serilog;

namespace SelfHostSync.Notifications;

/// <summary>
/// After each pass: advance the open alerts, send the transitions grouped and once to every channel, remind about
/// what is still open when <c>ReminderInterval</c> passed without a notification, and ping the heartbeat after a good
/// pass. Dry runs change nothing. A channel that fails is logged and recorded; it never fails the pass.
/// </summary>
internal sealed class Notifier
{
    private readonly NotificationSettings _settings;
    private readonly AlertStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly HttpClient _http;
    private readonly IReadOnlyList<INotificationChannel> _channels;

    /// <summary>The factory name of the client that notifications and the heartbeat are sent with.</summary>
    public const string HttpClientName = "notifications";

    public Notifier(NotificationSettings settings, AlertStore store, TimeProvider time, ILogger log, IHttpClientFactory http)
    {
        _settings = settings;
        _store = store;
        _time = time;
        _log = log;
        _http = http.CreateClient(HttpClientName);
        _channels =
        [
            .. settings.Ntfy.Select(t => new NtfyChannel(_http, t)),
            .. settings.Gotify.Select(t => new GotifyChannel(_http, t)),
            .. settings.Webhooks.Select(t => new WebhookChannel(_http, t)),
            .. settings.Smtp is null ? [] : new INotificationChannel[] { new SmtpChannel(settings.Smtp) },
        ];
    }

    public async Task AfterPassAsync(RunReport report, CancellationToken cancellationToken)
    {
        if (report.DryRun)
        {
            return;
        }

        await SendKeptAsync(cancellationToken);
        var now = _time.GetUtcNow();
        var open = await _store.LoadAlertsAsync(cancellationToken);
        var (events, next) = AlertTracker.Advance(open, report, now);
        await _store.SaveAlertsAsync(next, cancellationToken);

        if (events.Count > 0)
        {
            await SendAsync(NotificationMessage.Of("transitions", report.RunId, now, events), cancellationToken);
        }
        else if (
            _settings.ReminderInterval is { } every
            && next.Count > 0
            && (await _store.LastNotifiedAsync(cancellationToken) is not { } last || now - last >= every)
        )
        {
            var still = next
                .Values.Select(a => new AlertEvent(AlertKind.StillOpen, a))
                .OrderBy(e => e.Rank)
                .ThenBy(e => e.Alert.Key, StringComparer.Ordinal)
                .ToList();
            await SendAsync(NotificationMessage.Of("reminder", report.RunId, now, still), cancellationToken);
        }

        if (_settings.HeartbeatUrl is { } heartbeat && !report.Degraded && report.WriteFailures == 0)
        {
            try
            {
                using var response = await _http.GetAsync(heartbeat, cancellationToken);
                response.EnsureSuccessStatusCode();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                _log.Warning("Heartbeat ping failed: {Error}", ex.Message);
            }
        }
    }

    /// <summary>
    /// A message outside the pass's grouping (an escalation, the weekly summary): sent at once to every channel. False
    /// when every channel failed (the caller may try again later); true when one took it or none is configured.
    /// </summary>
    public Task<bool> SendNowAsync(NotificationMessage message, CancellationToken cancellationToken) => SendAsync(message, cancellationToken);

    /// <summary>
    /// Like <see cref="SendNowAsync"/>, for a message that must arrive (an escalation): it is kept in the state store
    /// first, so that neither a stop nor a crash loses it, and forgotten once a channel took it; otherwise it is sent
    /// again after each daemon pass, for up to <see cref="KeepFor"/>.
    /// </summary>
    public async Task<bool> SendOrKeepAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        var id = await _store.KeepUndeliveredAsync(
            message.Kind,
            JsonSerializer.Serialize(message),
            message.Html,
            _time.GetUtcNow(),
            cancellationToken
        );
        if (await SendAsync(message, cancellationToken))
        {
            await _store.ForgetUndeliveredAsync(id, cancellationToken);
            return true;
        }

        _log.Warning("{Title}: no notification channel took it; kept, and sent again after each pass", message.Title);
        return false;
    }

    /// <summary>How long a kept message is tried again.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(14);

    /// <summary>The kept messages, oldest first, until a channel fails; never fails the pass it follows.</summary>
    private async Task SendKeptAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var kept in await _store.UndeliveredAsync(cancellationToken))
            {
                if (!await SendKeptAsync(kept, cancellationToken))
                {
                    // The channels are still down: the rest waits for the next pass too.
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _log.Warning("Kept notifications could not be sent again: {Error}", ex.Message);
        }
    }

    /// <returns>False when no channel took it (it stays kept).</returns>
    private async Task<bool> SendKeptAsync(UndeliveredMessage kept, CancellationToken cancellationToken)
    {
        NotificationMessage? message = null;
        try
        {
            message = JsonSerializer.Deserialize<NotificationMessage>(kept.Json);
        }
        catch (JsonException ex)
        {
            _log.Warning("A kept notification from {At:u} cannot be read and is dropped: {Error}", kept.KeptAt, ex.Message);
        }

        if (message is null || _time.GetUtcNow() - kept.KeptAt > KeepFor || _channels.Count == 0)
        {
            if (message is not null)
            {
                _log.Warning(
                    _channels.Count == 0
                        ? "{Title}: kept since {At:u}, dropped: no notification channel is configured"
                        : "{Title}: no notification channel took it since {At:u}; given up",
                    message.Title,
                    kept.KeptAt
                );
            }

            await _store.ForgetUndeliveredAsync(kept.Id, cancellationToken);
            return true;
        }

        if (!await SendAsync(message with { Html = kept.Html }, cancellationToken))
        {
            return false;
        }

        await _store.ForgetUndeliveredAsync(kept.Id, cancellationToken);
        return true;
    }

    private async Task<bool> SendAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        if (_channels.Count == 0)
        {
            _log.Information("{Title} (no notification channel configured)", message.Title);
            return true;
        }

        var delivered = false;
        foreach (var channel in _channels)
        {
            string? error = null;
            try
            {
                await channel.SendAsync(message, cancellationToken);
                delivered = true;
                _log.Information("Sent {Title} to {Channel}", message.Title, channel.Name);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                error = ex.Message.ReplaceLineEndings(" ");
                _log.Warning("Notification to {Channel} failed: {Error}", channel.Name, error);
            }

            await _store.RecordNotificationAsync(
                new NotificationRecord(
                    message.RunId,
                    message.At,
                    channel.Name,
                    message.Kind,
                    message.Title,
                    message.Events.Count,
                    error is null,
                    error
                ),
                cancellationToken
            );
        }

        return delivered;
    }
}
