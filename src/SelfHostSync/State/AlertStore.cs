using SelfHostSync.Core.Alerts;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.State;

/// <summary>One notification attempt, for the audit and for reminders.</summary>
internal sealed record NotificationRecord(
    string? RunId,
    DateTimeOffset At,
    string Channel,
    string Kind,
    string Title,
    int Events,
    bool Ok,
    string? Error
);

/// <summary>What the notifier keeps between passes: the open alerts and every notification attempt.</summary>
internal sealed class AlertStore(StateDatabase db)
{
    public async Task<Dictionary<string, OpenAlert>> LoadAlertsAsync(CancellationToken cancellationToken)
    {
        var rows = await db.ReadAsync(
            "SELECT key, subject, check_id, level, detail, since FROM alerts",
            null,
            r => new OpenAlert(
                r.GetString(0),
                r.GetString(1),
                r.IsDBNull(2) ? null : r.GetString(2),
                !r.IsDBNull(3) && LevelCodes.TryParse(r.GetString(3), out var level) ? level : null,
                r.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5))
            ),
            cancellationToken
        );
        return rows.ToDictionary(a => a.Key, StringComparer.Ordinal);
    }

    /// <summary>Replaces the open alerts in one transaction.</summary>
    public Task SaveAlertsAsync(IReadOnlyDictionary<string, OpenAlert> open, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                using (var clear = db.Command(tx, "DELETE FROM alerts"))
                {
                    clear.ExecuteNonQuery();
                }

                foreach (var a in open.Values)
                {
                    using var cmd = db.Command(
                        tx,
                        "INSERT INTO alerts (key, subject, check_id, level, detail, since) VALUES ($k, $s, $c, $l, $d, $at)"
                    );
                    cmd.Parameters.AddWithValue("$k", a.Key);
                    cmd.Parameters.AddWithValue("$s", a.Subject);
                    cmd.Parameters.AddWithValue("$c", (object?)a.CheckId ?? DBNull.Value);
                    cmd.Parameters.AddWithValue("$l", (object?)a.Level?.ToCode() ?? DBNull.Value);
                    cmd.Parameters.AddWithValue("$d", a.Detail);
                    cmd.Parameters.AddWithValue("$at", a.Since.ToUnixTimeMilliseconds());
                    cmd.ExecuteNonQuery();
                }
            },
            cancellationToken
        );

    public Task RecordNotificationAsync(NotificationRecord n, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                using var cmd = db.Command(
                    tx,
                    "INSERT INTO notifications (run_id, at, channel, kind, title, events, ok, error) VALUES ($r, $at, $ch, $k, $t, $e, $ok, $err)"
                );
                cmd.Parameters.AddWithValue("$r", (object?)n.RunId ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$at", n.At.ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("$ch", n.Channel);
                cmd.Parameters.AddWithValue("$k", n.Kind);
                cmd.Parameters.AddWithValue("$t", n.Title);
                cmd.Parameters.AddWithValue("$e", n.Events);
                cmd.Parameters.AddWithValue("$ok", n.Ok ? 1 : 0);
                cmd.Parameters.AddWithValue("$err", (object?)n.Error ?? DBNull.Value);
                cmd.ExecuteNonQuery();
            },
            cancellationToken
        );

    /// <summary>When anything was last sent successfully (for the reminder interval).</summary>
    public async Task<DateTimeOffset?> LastNotifiedAsync(CancellationToken cancellationToken)
    {
        var rows = await db.ReadAsync(
            "SELECT MAX(at) FROM notifications WHERE ok = 1 AND kind IN ('transitions', 'reminder')",
            null,
            r => r.IsDBNull(0) ? (long?)null : r.GetInt64(0),
            cancellationToken
        );
        return rows.FirstOrDefault() is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    public Task<List<NotificationRecord>> RecentNotificationsAsync(int count, CancellationToken cancellationToken) =>
        db.ReadAsync(
            "SELECT run_id, at, channel, kind, title, events, ok, error FROM notifications ORDER BY at DESC, id DESC LIMIT $n",
            c => c.Parameters.AddWithValue("$n", count),
            r => new NotificationRecord(
                r.IsDBNull(0) ? null : r.GetString(0),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
                r.GetString(2),
                r.GetString(3),
                r.GetString(4),
                r.GetInt32(5),
                r.GetInt64(6) != 0,
                r.IsDBNull(7) ? null : r.GetString(7)
            ),
            cancellationToken
        );

    /// <summary>A message no channel took (an escalation), as JSON: kept to be sent again after each pass.</summary>
    /// <returns>The row, to forget once a channel took the message.</returns>
    public async Task<long> KeepUndeliveredAsync(string kind, string json, string? html, DateTimeOffset at, CancellationToken cancellationToken)
    {
        long id = 0;
        await db.InTransactionAsync(
            tx =>
            {
                using var cmd = db.Command(tx, "INSERT INTO outbox (kept_at, kind, message, html) VALUES ($at, $k, $m, $h) RETURNING id");
                cmd.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("$k", kind);
                cmd.Parameters.AddWithValue("$m", json);
                cmd.Parameters.AddWithValue("$h", (object?)html ?? DBNull.Value);
                id = (long)cmd.ExecuteScalar()!;
            },
            cancellationToken,
            durable: true
        );
        return id;
    }

    /// <summary>The kept messages, oldest first.</summary>
    public Task<List<UndeliveredMessage>> UndeliveredAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(
            "SELECT id, kept_at, message, html FROM outbox ORDER BY id",
            null,
            r => new UndeliveredMessage(
                r.GetInt64(0),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
                r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3)
            ),
            cancellationToken
        );

    public Task ForgetUndeliveredAsync(long id, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                using var cmd = db.Command(tx, "DELETE FROM outbox WHERE id = $id");
                cmd.Parameters.AddWithValue("$id", id);
                cmd.ExecuteNonQuery();
            },
            cancellationToken
        );
}

/// <summary>A kept message: its row, when it was kept, the message as JSON, and its HTML part for e-mail.</summary>
internal sealed record UndeliveredMessage(long Id, DateTimeOffset KeptAt, string Json, string? Html);
