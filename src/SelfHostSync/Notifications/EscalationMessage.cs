using System.Globalization;
using System.Text;
using SelfHostSync.Core.Drills;

namespace SelfHostSync.Notifications;

/// <summary>The one escalated notification of a guest whose drills keep failing: each failed drill with its phase and reason.</summary>
internal static class EscalationMessage
{
    public static NotificationMessage Of(IReadOnlyList<DrillRecord> streakNewestFirst, DateTimeOffset at)
    {
        var newest = streakNewestFirst[0];
        var subject = newest.GuestName is { } name ? $"{name} ({newest.Guest})" : newest.Guest.ToString();
        var phases = string.Join(", ", streakNewestFirst.Select(d => d.Phase).Distinct(StringComparer.Ordinal));
        var text = new StringBuilder();
        foreach (var d in streakNewestFirst.Reverse())
        {
            text.Append("✗ ")
                .Append(d.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))
                .Append(' ')
                .Append(d.Archive)
                .Append(" — ")
                .Append(d.Phase)
                .Append(": ")
                .Append(d.Reason ?? "failed")
                .Append('\n');
        }

        var detail = string.Create(
            CultureInfo.InvariantCulture,
            $"{streakNewestFirst.Count} restore drills in a row failed (phases: {phases}); no backup of this guest has been proven restorable since"
        );
        return new NotificationMessage
        {
            Kind = "escalation",
            At = at,
            Title = string.Create(
                CultureInfo.InvariantCulture,
                $"SelfHostSync: restore drills of {subject} failed {streakNewestFirst.Count} times in a row"
            ),
            Text = detail + "\n" + text.ToString().TrimEnd(),
            Severity = 5,
            Events =
            [
                new NotificationEvent(
                    "drill-escalation",
                    $"drill:{newest.Guest}",
                    subject,
                    Core.Checks.CheckIds.RestoreTested,
                    null,
                    detail,
                    streakNewestFirst[^1].StartedAt
                ),
            ],
        };
    }
}
