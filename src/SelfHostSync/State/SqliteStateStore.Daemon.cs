using System.Text.Json;
using Microsoft.Data.Sqlite;
using SelfHostSync.Core.Alerts;
using SelfHostSync.Core.Sync;
using SelfHostSync.Output;

namespace SelfHostSync.State;

/// <summary>A run as listed: enough for the dashboard's "last runs" and <c>GET /api/runs/{id}</c>.</summary>
internal sealed record RunSummary(string RunId, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, bool DryRun, bool? Degraded, int? Writes, string State);

/// <summary>One notification attempt, for the audit and for reminders.</summary>
internal sealed record NotificationRecord(string? RunId, DateTimeOffset At, string Channel, string Kind, string Title, int Events, bool Ok, string? Error);

/// <summary>What the daemon keeps beyond a pass: open alerts, notifications sent, run history, retention.</summary>
internal sealed partial class SqliteStateStore
{
    private static readonly string[] PruneStatements =
    [
        "DELETE FROM check_results WHERE run_id IN (SELECT id FROM runs WHERE started_at < $ms)",
        "DELETE FROM tag_writes WHERE run_id IN (SELECT id FROM runs WHERE started_at < $ms)",
        "DELETE FROM runs WHERE started_at < $ms",
        "DELETE FROM notifications WHERE at < $ms",
        """
        DELETE FROM restore_tests WHERE at < $s AND id NOT IN (
            SELECT id FROM restore_tests t WHERE passed = 1 AND at = (
                SELECT MAX(at) FROM restore_tests u WHERE u.cluster = t.cluster AND u.vmid = t.vmid AND u.passed = 1))
        """,
    ];

    /// <summary>A pass that ended without a report: failed (an error) or aborted (the daemon stopped).</summary>
    public Task EndRunAsync(string runId, string state, CancellationToken cancellationToken) =>
        InTransactionAsync(tx =>
        {
            using var cmd = Command(tx, "UPDATE runs SET state = $state, finished_at = COALESCE(finished_at, $at) WHERE id = $id AND state = 'running'");
            cmd.Parameters.AddWithValue("$state", state);
            cmd.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$id", runId);
            cmd.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>At start-up: passes still "running" belong to a process that is gone.</summary>
    public async Task<int> AbortStaleRunsAsync(CancellationToken cancellationToken)
    {
        var n = 0;
        await InTransactionAsync(tx =>
        {
            using var cmd = Command(tx, "UPDATE runs SET state = 'aborted' WHERE state = 'running'");
            n = cmd.ExecuteNonQuery();
        }, cancellationToken);
        return n;
    }

    public async Task<Dictionary<string, OpenAlert>> LoadAlertsAsync(CancellationToken cancellationToken)
    {
        var rows = await ReadAsync("SELECT key, subject, check_id, level, detail, since FROM alerts", null, r => new OpenAlert(
            r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5))), cancellationToken);
        return rows.ToDictionary(a => a.Key, StringComparer.Ordinal);
    }

    /// <summary>Replaces the open alerts in one transaction.</summary>
    public Task SaveAlertsAsync(IReadOnlyDictionary<string, OpenAlert> open, CancellationToken cancellationToken) =>
        InTransactionAsync(tx =>
        {
            using (var clear = Command(tx, "DELETE FROM alerts"))
            {
                clear.ExecuteNonQuery();
            }

            foreach (var a in open.Values)
            {
                using var cmd = Command(tx, "INSERT INTO alerts (key, subject, check_id, level, detail, since) VALUES ($k, $s, $c, $l, $d, $at)");
                cmd.Parameters.AddWithValue("$k", a.Key);
                cmd.Parameters.AddWithValue("$s", a.Subject);
                cmd.Parameters.AddWithValue("$c", (object?)a.CheckId ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$l", (object?)a.Level ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$d", a.Detail);
                cmd.Parameters.AddWithValue("$at", a.Since.ToUnixTimeMilliseconds());
                cmd.ExecuteNonQuery();
            }
        }, cancellationToken);

    public Task RecordNotificationAsync(NotificationRecord n, CancellationToken cancellationToken) =>
        InTransactionAsync(tx =>
        {
            using var cmd = Command(tx, "INSERT INTO notifications (run_id, at, channel, kind, title, events, ok, error) VALUES ($r, $at, $ch, $k, $t, $e, $ok, $err)");
            cmd.Parameters.AddWithValue("$r", (object?)n.RunId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$at", n.At.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$ch", n.Channel);
            cmd.Parameters.AddWithValue("$k", n.Kind);
            cmd.Parameters.AddWithValue("$t", n.Title);
            cmd.Parameters.AddWithValue("$e", n.Events);
            cmd.Parameters.AddWithValue("$ok", n.Ok ? 1 : 0);
            cmd.Parameters.AddWithValue("$err", (object?)n.Error ?? DBNull.Value);
            cmd.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>When anything was last sent successfully (for the reminder interval).</summary>
    public async Task<DateTimeOffset?> LastNotifiedAsync(CancellationToken cancellationToken)
    {
        var rows = await ReadAsync("SELECT MAX(at) FROM notifications WHERE ok = 1", null, r => r.IsDBNull(0) ? (long?)null : r.GetInt64(0), cancellationToken);
        return rows.FirstOrDefault() is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    public Task<List<NotificationRecord>> RecentNotificationsAsync(int count, CancellationToken cancellationToken) =>
        ReadAsync("SELECT run_id, at, channel, kind, title, events, ok, error FROM notifications ORDER BY at DESC, id DESC LIMIT $n", c => c.Parameters.AddWithValue("$n", count), r => new NotificationRecord(
            r.IsDBNull(0) ? null : r.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), r.GetString(2), r.GetString(3),
            r.GetString(4), r.GetInt32(5), r.GetInt64(6) != 0, r.IsDBNull(7) ? null : r.GetString(7)), cancellationToken);

    public Task<List<RunSummary>> RecentRunsAsync(int count, CancellationToken cancellationToken) =>
        ReadAsync("SELECT id, started_at, finished_at, dry_run, degraded, writes, state FROM runs ORDER BY started_at DESC LIMIT $n", c => c.Parameters.AddWithValue("$n", count), Summary, cancellationToken);

    /// <summary>A run by id, with its report once finished.</summary>
    public async Task<(RunSummary Summary, RunReport? Report)?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync(
            "SELECT id, started_at, finished_at, dry_run, degraded, writes, state, report FROM runs WHERE id = $id",
            c => c.Parameters.AddWithValue("$id", runId),
            r => (Summary(r), r.IsDBNull(7) ? null : JsonSerializer.Deserialize<RunReport>(r.GetString(7), ReportJson.Options)),
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>
    /// Deletes history older than <paramref name="cutoff"/>: runs with their check results and tag writes, and
    /// notifications. Restore tests are evidence: older ones go too, except each guest's newest successful one.
    /// </summary>
    public async Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var deleted = 0;
        await InTransactionAsync(tx =>
        {
            foreach (var sql in PruneStatements)
            {
                using var cmd = Command(tx, sql);
                cmd.Parameters.AddWithValue("$ms", cutoff.ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("$s", cutoff.ToUnixTimeSeconds());
                deleted += cmd.ExecuteNonQuery();
            }
        }, cancellationToken);
        return deleted;
    }

    private static RunSummary Summary(SqliteDataReader r) => new(
        r.GetString(0),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
        r.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
        r.GetInt64(3) != 0,
        r.IsDBNull(4) ? null : r.GetInt64(4) != 0,
        r.IsDBNull(5) ? null : r.GetInt32(5),
        r.GetString(6));

    private async Task<List<T>> ReadAsync<T>(string sql, Action<SqliteCommand>? bind, Func<SqliteDataReader, T> map, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = sql;
            bind?.Invoke(cmd);
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            var list = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(map(reader));
            }

            return list;
        }
        finally
        {
            _gate.Release();
        }
    }
}
