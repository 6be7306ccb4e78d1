using SelfHostSync.Core.Sync;

namespace SelfHostSync.State;

/// <summary>Configuration reads kept across processes (decision 012): one row per key, replaced when read again.</summary>
internal sealed class KeptReadStore(StateDatabase db)
{
    /// <summary>A kept read older than this is of a source no longer configured (or a key no longer used): it goes.</summary>
    private static readonly TimeSpan KeptReadsLifetime = TimeSpan.FromDays(7);

    /// <summary>Every kept read (a few hundred KB on 3,000 guests).</summary>
    public async Task<IReadOnlyList<KeptRead>> LoadKeptReadsAsync(CancellationToken cancellationToken) =>
        await db.ReadAsync(
            "SELECT key, payload, read_at FROM kept_reads",
            null,
            reader => new KeptRead(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))),
            cancellationToken
        );

    /// <summary>Writes what a pass kept and drops what no pass kept for a week, in one transaction.</summary>
    public Task SaveKeptReadsAsync(IReadOnlyList<KeptRead> reads, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                foreach (var read in reads)
                {
                    using var cmd = db.Command(tx, "INSERT OR REPLACE INTO kept_reads (key, read_at, payload) VALUES ($key, $at, $payload)");
                    cmd.Parameters.AddWithValue("$key", read.Key);
                    cmd.Parameters.AddWithValue("$at", read.ReadAt.ToUnixTimeMilliseconds());
                    cmd.Parameters.AddWithValue("$payload", read.Payload);
                    cmd.ExecuteNonQuery();
                }

                using var prune = db.Command(tx, "DELETE FROM kept_reads WHERE read_at < $before");
                prune.Parameters.AddWithValue("$before", (now - KeptReadsLifetime).ToUnixTimeMilliseconds());
                prune.ExecuteNonQuery();
            },
            cancellationToken
        );
}
