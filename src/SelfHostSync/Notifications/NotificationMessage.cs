using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using SelfHostSync.Core.Alerts;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Notifications;

/// <summary>
/// One grouped notification: a title, a plain-text body (untested restores first), and the events for the webhook.
/// The webhook JSON schema is documented in docs/notifications.md and versioned by <see cref="Version"/>.
/// </summary>
internal sealed record NotificationMessage
{
    [JsonPropertyName("source")]
    public string Source { get; init; } = "selfhostsync";

    [JsonPropertyName("version")]
    public int Version { get; init; } = 1;

    /// <summary>transitions, reminder, escalation or summary.</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    [JsonPropertyName("runId")]
    public string? RunId { get; init; }

    [JsonPropertyName("at")]
    public required DateTimeOffset At { get; init; }

    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("text")]
    public required string Text { get; init; }

    /// <summary>The same as an HTML fragment, for e-mail (sent beside the text part); null: text only.</summary>
    [JsonIgnore]
    public string? Html { get; init; }

    /// <summary>1 (min) to 5 (urgent): 4 when something new fails, 3 for reminders, 2 when all is good news.</summary>
    [JsonPropertyName("severity")]
    public int Severity { get; init; }

    [JsonPropertyName("events")]
    public required IReadOnlyList<NotificationEvent> Events { get; init; }

    public static NotificationMessage Of(string kind, string? runId, DateTimeOffset at, IReadOnlyList<AlertEvent> events)
    {
        var failing = events.Count(e => e.Kind is AlertKind.NewFailure or AlertKind.SourceDegraded or AlertKind.StillOpen);
        var untested = events.Count(e =>
            e.Kind is AlertKind.NewFailure or AlertKind.StillOpen && e.Alert.CheckId == Core.Checks.CheckIds.RestoreTested
        );
        var resolved = events.Count - failing;
        var title =
            kind == "reminder"
                ? string.Create(CultureInfo.InvariantCulture, $"SelfHostSync: {failing} still open")
                : string.Join(
                        ", ",
                        new[]
                        {
                            untested > 0
                                ? string.Create(CultureInfo.InvariantCulture, $"{untested} untested restore{(untested == 1 ? string.Empty : "s")}")
                                : null,
                            failing - untested > 0
                                ? string.Create(
                                    CultureInfo.InvariantCulture,
                                    $"{failing - untested} new problem{(failing - untested == 1 ? string.Empty : "s")}"
                                )
                                : null,
                            resolved > 0 ? string.Create(CultureInfo.InvariantCulture, $"{resolved} resolved") : null,
                        }.OfType<string>()
                    )
                    .Insert(0, "SelfHostSync: ");

        var text = new StringBuilder();
        foreach (var e in events)
        {
            text.Append(Symbol(e.Kind)).Append(' ').Append(e.Alert.Subject);
            if (e.Alert.Level is { } level)
            {
                text.Append(" [").Append(level.ToCode()).Append(']');
            }

            if (e.Alert.CheckId is { } check)
            {
                text.Append(' ').Append(check);
            }

            text.Append(": ").Append(e.Alert.Detail).Append('\n');
        }

        return new NotificationMessage
        {
            Kind = kind,
            RunId = runId,
            At = at,
            Title = title,
            Text = text.ToString().TrimEnd(),
            Severity =
                failing == 0 ? 2
                : kind == "reminder" ? 3
                : 4,
            Events = events.Select(NotificationEvent.Of).ToList(),
        };
    }

    private static string Symbol(AlertKind kind) =>
        kind switch
        {
            AlertKind.NewFailure => "✗",
            AlertKind.SourceDegraded => "⚠",
            AlertKind.StillOpen => "•",
            _ => "✓",
        };
}

/// <summary>One event of the webhook payload.</summary>
internal sealed record NotificationEvent(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("check")] string? Check,
    [property: JsonPropertyName("level")] string? Level,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("since")] DateTimeOffset Since
)
{
    public static NotificationEvent Of(AlertEvent e) =>
        new(
            e.Kind switch
            {
                AlertKind.NewFailure => "new-failure",
                AlertKind.Resolved => "resolved",
                AlertKind.SourceDegraded => "source-degraded",
                AlertKind.SourceRecovered => "source-recovered",
                _ => "still-open",
            },
            e.Alert.Key,
            e.Alert.Subject,
            e.Alert.CheckId,
            e.Alert.Level?.ToCode(),
            e.Alert.Detail,
            e.Alert.Since
        );
}
