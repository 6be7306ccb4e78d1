using SelfHostSync.Core.Sync;

namespace SelfHostSync.State;

/// <summary>What each audience (Home Assistant) has retained on its broker, by topic: <c>audience_retained</c>.</summary>
internal sealed class AudienceStore(StateDatabase db) : IAudienceMemory
{
    public async Task<IReadOnlyDictionary<string, string>> LoadAsync(string audience, CancellationToken cancellationToken) =>
        (
            await db.ReadAsync(
                "SELECT topic, payload FROM audience_retained WHERE audience = $audience",
                c => c.Parameters.AddWithValue("$audience", audience),
                r => KeyValuePair.Create(r.GetString(0), r.GetString(1)),
                cancellationToken
            )
        ).ToDictionary(StringComparer.Ordinal);

    public Task SaveAsync(string audience, IReadOnlyList<KeyValuePair<string, string?>> changes, CancellationToken cancellationToken) =>
        changes.Count == 0
            ? Task.CompletedTask
            : db.InTransactionAsync(
                tx =>
                {
                    using var upsert = db.Command(
                        tx,
                        "INSERT INTO audience_retained (audience, topic, payload) VALUES ($audience, $topic, $payload) "
                            + "ON CONFLICT (audience, topic) DO UPDATE SET payload = excluded.payload"
                    );
                    using var delete = db.Command(tx, "DELETE FROM audience_retained WHERE audience = $audience AND topic = $topic");
                    foreach (var (topic, payload) in changes)
                    {
                        var cmd = payload is null ? delete : upsert;
                        cmd.Parameters.Clear();
                        cmd.Parameters.AddWithValue("$audience", audience);
                        cmd.Parameters.AddWithValue("$topic", topic);
                        if (payload is not null)
                        {
                            cmd.Parameters.AddWithValue("$payload", payload);
                        }

                        cmd.ExecuteNonQuery();
                    }
                },
                cancellationToken
            );
}
