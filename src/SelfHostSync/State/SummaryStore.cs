using System.Text.Json;
using SelfHostSync.Core.Sync;
using SelfHostSync.Output;

namespace SelfHostSync.State;

/// <summary>Which summary periods were sent (so each is sent once, across restarts), and the run a period started from.</summary>
internal sealed class SummaryStore(StateDatabase db)
{
    public async Task<bool> SentAsync(DateTimeOffset periodEnd, CancellationToken cancellationToken) =>
        (
            await db.ReadAsync(
                "SELECT 1 FROM summaries WHERE period_end = $end",
                c => c.Parameters.AddWithValue("$end", periodEnd.ToUnixTimeSeconds()),
                r => r.GetInt64(0),
                cancellationToken
            )
        ).Count > 0;

    public Task RecordSentAsync(DateTimeOffset periodEnd, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                using var cmd = db.Command(tx, "INSERT OR IGNORE INTO summaries (period_end, sent_at) VALUES ($end, $at)");
                cmd.Parameters.AddWithValue("$end", periodEnd.ToUnixTimeSeconds());
                cmd.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
                cmd.ExecuteNonQuery();
            },
            cancellationToken,
            durable: true
        );

    /// <summary>The report of the newest finished run that started before <paramref name="at"/>: the state a period began with.</summary>
    public async Task<RunReport?> ReportBeforeAsync(DateTimeOffset at, CancellationToken cancellationToken) =>
        (
            await db.ReadAsync(
                "SELECT report FROM runs WHERE state = 'done' AND dry_run = 0 AND started_at < $at ORDER BY started_at DESC LIMIT 1",
                c => c.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds()),
                r => JsonSerializer.Deserialize<RunReport>(r.GetString(0), ReportJson.Options),
                cancellationToken
            )
        ).FirstOrDefault();
}
