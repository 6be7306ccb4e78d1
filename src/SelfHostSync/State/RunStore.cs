using System.Text.Json;
using Microsoft.Data.Sqlite;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Output;

namespace SelfHostSync.State;

/// <summary>A run as listed: enough for the dashboard's "last runs" and <c>GET /api/runs/{id}</c>.</summary>
internal sealed record RunSummary(
    string RunId,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    bool DryRun,
    bool? Degraded,
    int? Writes,
    string State
);

/// <summary>
/// What passes leave behind: runs with their reports, check results and tag writes, the restore tests seen or
/// recorded, and the retention that trims them.
/// </summary>
internal sealed class RunStore(StateDatabase db, TimeProvider time) : IStateStore
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

    public async Task<IReadOnlyList<RestoreTest>> LoadRestoreTestsAsync(CancellationToken cancellationToken) =>
        await db.ReadAsync(
            "SELECT id, cluster, vmid, kind, at, passed, source_archive, target, note FROM restore_tests",
            null,
            reader => new RestoreTest(
                reader.GetString(0),
                new GuestKey(reader.GetString(1), reader.GetInt32(2)),
                Enum.Parse<RestoreTestKind>(reader.GetString(3)),
                DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(4)),
                reader.GetInt64(5) != 0,
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)
            ),
            cancellationToken
        );

    public Task<IReadOnlyList<Core.Drills.HeldProtection>> LoadHeldProtectionsAsync(CancellationToken cancellationToken) =>
        new ProtectionStore(db).HeldProtectionsAsync(null, cancellationToken);

    public Task RecordRestoreTestsAsync(IReadOnlyList<RestoreTest> tests, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                foreach (var t in tests)
                {
                    InsertRestoreTest(db, tx, t);
                }
            },
            cancellationToken
        );

    /// <summary>Inserts one restore test in a transaction of the caller (a drill closes with its evidence).</summary>
    internal static void InsertRestoreTest(StateDatabase db, SqliteTransaction tx, RestoreTest t)
    {
        using var cmd = db.Command(
            tx,
            """
            INSERT OR IGNORE INTO restore_tests (id, cluster, vmid, kind, at, passed, source_archive, target, note)
            VALUES ($id, $cluster, $vmid, $kind, $at, $passed, $source, $target, $note)
            """
        );
        cmd.Parameters.AddWithValue("$id", t.Id);
        cmd.Parameters.AddWithValue("$cluster", t.Guest.Cluster);
        cmd.Parameters.AddWithValue("$vmid", t.Guest.Vmid);
        cmd.Parameters.AddWithValue("$kind", t.Kind.ToString());
        cmd.Parameters.AddWithValue("$at", t.At.ToUnixTimeSeconds());
        cmd.Parameters.AddWithValue("$passed", t.Passed ? 1 : 0);
        cmd.Parameters.AddWithValue("$source", (object?)t.SourceArchive ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$target", (object?)t.Target ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$note", (object?)t.Note ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    public Task BeginRunAsync(string runId, DateTimeOffset startedAt, bool dryRun, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                using var cmd = db.Command(tx, "INSERT INTO runs (id, started_at, dry_run, state) VALUES ($id, $at, $dry, 'running')");
                cmd.Parameters.AddWithValue("$id", runId);
                cmd.Parameters.AddWithValue("$at", startedAt.ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("$dry", dryRun ? 1 : 0);
                cmd.ExecuteNonQuery();
            },
            cancellationToken
        );

    /// <summary>A write about to be sent: the row says "pending" until it is settled, and stays so after a crash.</summary>
    public async Task<long> RecordWriteIntentAsync(TagWriteAudit audit, CancellationToken cancellationToken)
    {
        long id = 0;
        await db.InTransactionAsync(
            tx =>
            {
                using var cmd = db.Command(
                    tx,
                    "INSERT INTO tag_writes (run_id, cluster, vmid, at, before, after, state) VALUES ($run, $cluster, $vmid, $at, $before, $after, 'pending'); SELECT last_insert_rowid();"
                );
                cmd.Parameters.AddWithValue("$run", audit.RunId);
                cmd.Parameters.AddWithValue("$cluster", audit.Guest.Cluster);
                cmd.Parameters.AddWithValue("$vmid", audit.Guest.Vmid);
                cmd.Parameters.AddWithValue("$at", audit.At.ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("$before", string.Join(';', audit.Before));
                cmd.Parameters.AddWithValue("$after", string.Join(';', audit.After));
                id = (long)cmd.ExecuteScalar()!;
            },
            cancellationToken,
            durable: true
        );
        return id;
    }

    public Task ResolveWriteAsync(long id, TagWriteAudit audit, bool written, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                using var cmd = db.Command(
                    tx,
                    written
                        ? "UPDATE tag_writes SET at = $at, before = $before, after = $after, state = 'written' WHERE id = $id"
                        : "DELETE FROM tag_writes WHERE id = $id"
                );
                cmd.Parameters.AddWithValue("$id", id);
                cmd.Parameters.AddWithValue("$at", audit.At.ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("$before", string.Join(';', audit.Before));
                cmd.Parameters.AddWithValue("$after", string.Join(';', audit.After));
                cmd.ExecuteNonQuery();
            },
            cancellationToken
        );

    public Task CompleteRunAsync(RunReport report, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                using (
                    var cmd = db.Command(
                        tx,
                        "UPDATE runs SET finished_at = $at, degraded = $degraded, writes = $writes, state = 'done', report = $report WHERE id = $id"
                    )
                )
                {
                    cmd.Parameters.AddWithValue("$id", report.RunId);
                    cmd.Parameters.AddWithValue("$at", report.FinishedAt.ToUnixTimeMilliseconds());
                    cmd.Parameters.AddWithValue("$degraded", report.Degraded ? 1 : 0);
                    cmd.Parameters.AddWithValue("$writes", report.Writes);
                    cmd.Parameters.AddWithValue("$report", JsonSerializer.Serialize(report, ReportJson.Options));
                    cmd.ExecuteNonQuery();
                }

                foreach (var g in report.Guests)
                {
                    foreach (var c in g.Checks)
                    {
                        using var check = db.Command(
                            tx,
                            "INSERT INTO check_results (run_id, cluster, vmid, level, check_id, status, detail) VALUES ($run, $cluster, $vmid, $level, $check, $status, $detail)"
                        );
                        check.Parameters.AddWithValue("$run", report.RunId);
                        check.Parameters.AddWithValue("$cluster", g.Cluster);
                        check.Parameters.AddWithValue("$vmid", g.Vmid);
                        check.Parameters.AddWithValue("$level", g.Level.ToCode());
                        check.Parameters.AddWithValue("$check", c.Id);
                        check.Parameters.AddWithValue("$status", c.Status.ToString().ToLowerInvariant());
                        check.Parameters.AddWithValue("$detail", c.Detail);
                        check.ExecuteNonQuery();
                    }
                }
            },
            cancellationToken
        );

    /// <summary>The report of the newest finished run, if any.</summary>
    public async Task<RunReport?> LastRunAsync(CancellationToken cancellationToken) =>
        (
            await db.ReadAsync(
                "SELECT report FROM runs WHERE state = 'done' ORDER BY started_at DESC LIMIT 1",
                null,
                r => JsonSerializer.Deserialize<RunReport>(r.GetString(0), ReportJson.Options),
                cancellationToken
            )
        ).FirstOrDefault();

    /// <summary>A pass that ended without a report: failed (an error) or aborted (the daemon stopped).</summary>
    public Task EndRunAsync(string runId, string state, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                using var cmd = db.Command(
                    tx,
                    "UPDATE runs SET state = $state, finished_at = COALESCE(finished_at, $at) WHERE id = $id AND state = 'running'"
                );
                cmd.Parameters.AddWithValue("$state", state);
                cmd.Parameters.AddWithValue("$at", time.GetUtcNow().ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("$id", runId);
                cmd.ExecuteNonQuery();
            },
            cancellationToken
        );

    /// <summary>At start-up: passes still "running" belong to a process that is gone.</summary>
    public async Task<int> AbortStaleRunsAsync(CancellationToken cancellationToken)
    {
        var n = 0;
        await db.InTransactionAsync(
            tx =>
            {
                using var cmd = db.Command(tx, "UPDATE runs SET state = 'aborted' WHERE state = 'running'");
                n = cmd.ExecuteNonQuery();
            },
            cancellationToken
        );
        return n;
    }

    public Task<List<RunSummary>> RecentRunsAsync(int count, CancellationToken cancellationToken) =>
        db.ReadAsync(
            "SELECT id, started_at, finished_at, dry_run, degraded, writes, state FROM runs ORDER BY started_at DESC LIMIT $n",
            c => c.Parameters.AddWithValue("$n", count),
            Summary,
            cancellationToken
        );

    /// <summary>A run by id, with its report once finished.</summary>
    public async Task<(RunSummary Summary, RunReport? Report)?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        var rows = await db.ReadAsync(
            "SELECT id, started_at, finished_at, dry_run, degraded, writes, state, report FROM runs WHERE id = $id",
            c => c.Parameters.AddWithValue("$id", runId),
            r => (Summary(r), r.IsDBNull(7) ? null : JsonSerializer.Deserialize<RunReport>(r.GetString(7), ReportJson.Options)),
            cancellationToken
        );
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>
    /// Deletes history older than <paramref name="cutoff"/>: runs with their check results and tag writes, and
    /// notifications. Restore tests are evidence: older ones go too, except each guest's newest successful one.
    /// </summary>
    public async Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var deleted = 0;
        await db.InTransactionAsync(
            tx =>
            {
                foreach (var sql in PruneStatements)
                {
                    using var cmd = db.Command(tx, sql);
                    cmd.Parameters.AddWithValue("$ms", cutoff.ToUnixTimeMilliseconds());
                    cmd.Parameters.AddWithValue("$s", cutoff.ToUnixTimeSeconds());
                    deleted += cmd.ExecuteNonQuery();
                }
            },
            cancellationToken
        );
        return deleted;
    }

    private static RunSummary Summary(SqliteDataReader r) =>
        new(
            r.GetString(0),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
            r.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
            r.GetInt64(3) != 0,
            r.IsDBNull(4) ? null : r.GetInt64(4) != 0,
            r.IsDBNull(5) ? null : r.GetInt32(5),
            r.GetString(6)
        );
}
