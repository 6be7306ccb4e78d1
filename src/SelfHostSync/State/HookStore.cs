using System.Globalization;

namespace SelfHostSync.State;

/// <summary>One webhook call from PVE or PBS: what it said and what it triggered.</summary>
/// <param name="Outcome"><c>pass</c> (a pass was requested: <paramref name="RunId"/>) or <c>ignored</c> (a notification that changes nothing here).</param>
internal sealed record HookEvent(
    DateTimeOffset At,
    string Source,
    string? Type,
    string? Host,
    string? Datastore,
    string? Severity,
    string? Title,
    IReadOnlyList<int> Guests,
    string Outcome,
    string? RunId
);

/// <summary>The webhook calls received, newest last; the latest <see cref="Kept"/> are kept.</summary>
internal sealed class HookStore(StateDatabase db)
{
    public const int Kept = 500;

    public Task RecordAsync(HookEvent e, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                using (
                    var cmd = db.Command(
                        tx,
                        """
                        INSERT INTO hook_events (at, source, type, host, datastore, severity, title, guests, outcome, run_id)
                        VALUES ($at, $source, $type, $host, $datastore, $severity, $title, $guests, $outcome, $run)
                        """
                    )
                )
                {
                    cmd.Parameters.AddWithValue("$at", e.At.ToUnixTimeMilliseconds());
                    cmd.Parameters.AddWithValue("$source", e.Source);
                    cmd.Parameters.AddWithValue("$type", (object?)e.Type ?? DBNull.Value);
                    cmd.Parameters.AddWithValue("$host", (object?)e.Host ?? DBNull.Value);
                    cmd.Parameters.AddWithValue("$datastore", (object?)e.Datastore ?? DBNull.Value);
                    cmd.Parameters.AddWithValue("$severity", (object?)e.Severity ?? DBNull.Value);
                    cmd.Parameters.AddWithValue("$title", (object?)e.Title ?? DBNull.Value);
                    cmd.Parameters.AddWithValue(
                        "$guests",
                        e.Guests.Count == 0 ? DBNull.Value : string.Join(',', e.Guests.Select(g => g.ToString(CultureInfo.InvariantCulture)))
                    );
                    cmd.Parameters.AddWithValue("$outcome", e.Outcome);
                    cmd.Parameters.AddWithValue("$run", (object?)e.RunId ?? DBNull.Value);
                    cmd.ExecuteNonQuery();
                }

                using var prune = db.Command(tx, "DELETE FROM hook_events WHERE id <= (SELECT MAX(id) FROM hook_events) - $kept");
                prune.Parameters.AddWithValue("$kept", Kept);
                prune.ExecuteNonQuery();
            },
            cancellationToken
        );

    /// <summary>The newest <paramref name="count"/> calls, newest first.</summary>
    public async Task<IReadOnlyList<HookEvent>> RecentAsync(int count, CancellationToken cancellationToken) =>
        await db.ReadAsync(
            "SELECT at, source, type, host, datastore, severity, title, guests, outcome, run_id FROM hook_events ORDER BY id DESC LIMIT $n",
            cmd => cmd.Parameters.AddWithValue("$n", count),
            r => new HookEvent(
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)),
                r.GetString(1),
                r.IsDBNull(2) ? null : r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6),
                r.IsDBNull(7) ? [] : [.. r.GetString(7).Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))],
                r.GetString(8),
                r.IsDBNull(9) ? null : r.GetString(9)
            ),
            cancellationToken
        );
}
