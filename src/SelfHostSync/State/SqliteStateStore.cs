using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Output;

namespace SelfHostSync.State;

/// <summary>
/// The state store: one SQLite file in <c>StateDirectory</c> (WAL, mode 0600, numbered migrations). Every statement
/// runs in its own transaction, so a crash at any point leaves it consistent.
/// </summary>
internal sealed partial class SqliteStateStore : IStateStore, IDisposable
{
    public const string FileName = "selfhostsync.db";
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private SqliteStateStore(SqliteConnection connection, string path)
    {
        _connection = connection;
        Path = path;
    }

    public string Path { get; }

    public static SqliteStateStore Open(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Configuration.ConfigException([$"StateDirectory: '{directory}' cannot be created ({(ex is UnauthorizedAccessException ? "permission denied" : ex.Message)})"]);
        }

        var path = System.IO.Path.Combine(directory, FileName);
        var isNew = !File.Exists(path);
        // Another writer (the CLI next to the daemon, an sqlite3 shell) gets 5 s before a statement gives up; without
        // DefaultTimeout the provider would keep retrying a busy database for 30 s per statement.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 5 }.ToString());
        try
        {
            connection.Open();
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new Configuration.ConfigException([$"StateDirectory: '{directory}' is not writable ({ex.SqliteErrorCode}: {ex.Message.ReplaceLineEndings(" ")})"]);
        }

        if (isNew && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            // SQLite reads the file lazily: a corrupt or foreign file shows here, not at Open.
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;");
            Migrations.Apply(connection);
        }
        catch (Exception ex) when (ex is SqliteException or Migrations.NewerSchemaException)
        {
            connection.Dispose();
            throw new Configuration.ConfigException([Unusable(path, ex)]);
        }

        StateOwner.HandOver(directory, path, path + "-wal", path + "-shm");
        return new SqliteStateStore(connection, path);
    }

    /// <summary>
    /// One line for a database that cannot be used, with what to do. Exit 78 follows, which the unit does not restart
    /// (<c>RestartPreventExitStatus=78</c>): a corrupt file would otherwise crash-loop the daemon every 30 s.
    /// </summary>
    private static string Unusable(string path, Exception ex)
    {
        var aside = $"mv {path} {path}.broken && rm -f {path}-wal {path}-shm";
        return ex switch
        {
            Migrations.NewerSchemaException newer => $"state database '{path}': {newer.Message}; run the newer SelfHostSync, or start with fresh history: {aside}",
            SqliteException { SqliteErrorCode: 5 or 6 } => $"state database '{path}' is locked by another process (an sqlite3 shell, a copy of SelfHostSync); close it and try again",
            SqliteException sql => $"state database '{path}' cannot be read (SQLite {sql.SqliteErrorCode}: {sql.Message.ReplaceLineEndings(" ")}); keep it for inspection and start with fresh history: {aside}",
            _ => $"state database '{path}': {ex.Message}",
        };
    }

    public async Task<IReadOnlyList<RestoreTest>> LoadRestoreTestsAsync(CancellationToken cancellationToken) =>
        await ReadAsync("SELECT id, cluster, vmid, kind, at, passed, source_archive, target, note FROM restore_tests", null, reader => new RestoreTest(
            reader.GetString(0),
            new GuestKey(reader.GetString(1), reader.GetInt32(2)),
            Enum.Parse<RestoreTestKind>(reader.GetString(3)),
            DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(4)),
            reader.GetInt64(5) != 0,
            reader.IsDBNull(6) ? null : reader.GetString(6),
            reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.IsDBNull(8) ? null : reader.GetString(8)), cancellationToken);

    public Task RecordRestoreTestsAsync(IReadOnlyList<RestoreTest> tests, CancellationToken cancellationToken) =>
        InTransactionAsync(tx =>
        {
            foreach (var t in tests)
            {
                InsertRestoreTest(tx, t);
            }
        }, cancellationToken);

    private void InsertRestoreTest(SqliteTransaction tx, RestoreTest t)
    {
        using var cmd = Command(tx, """
            INSERT OR IGNORE INTO restore_tests (id, cluster, vmid, kind, at, passed, source_archive, target, note)
            VALUES ($id, $cluster, $vmid, $kind, $at, $passed, $source, $target, $note)
            """);
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
        InTransactionAsync(tx =>
        {
            using var cmd = Command(tx, "INSERT INTO runs (id, started_at, dry_run, state) VALUES ($id, $at, $dry, 'running')");
            cmd.Parameters.AddWithValue("$id", runId);
            cmd.Parameters.AddWithValue("$at", startedAt.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$dry", dryRun ? 1 : 0);
            cmd.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>A write about to be sent: the row says "pending" until it is settled, and stays so after a crash.</summary>
    public async Task<long> RecordWriteIntentAsync(TagWriteAudit audit, CancellationToken cancellationToken)
    {
        long id = 0;
        await InTransactionAsync(tx =>
        {
            using var cmd = Command(tx, "INSERT INTO tag_writes (run_id, cluster, vmid, at, before, after, state) VALUES ($run, $cluster, $vmid, $at, $before, $after, 'pending'); SELECT last_insert_rowid();");
            cmd.Parameters.AddWithValue("$run", audit.RunId);
            cmd.Parameters.AddWithValue("$cluster", audit.Guest.Cluster);
            cmd.Parameters.AddWithValue("$vmid", audit.Guest.Vmid);
            cmd.Parameters.AddWithValue("$at", audit.At.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$before", string.Join(';', audit.Before));
            cmd.Parameters.AddWithValue("$after", string.Join(';', audit.After));
            id = (long)cmd.ExecuteScalar()!;
        }, cancellationToken, durable: true);
        return id;
    }

    public Task ResolveWriteAsync(long id, TagWriteAudit audit, bool written, CancellationToken cancellationToken) =>
        InTransactionAsync(tx =>
        {
            using var cmd = Command(tx, written
                ? "UPDATE tag_writes SET at = $at, before = $before, after = $after, state = 'written' WHERE id = $id"
                : "DELETE FROM tag_writes WHERE id = $id");
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$at", audit.At.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$before", string.Join(';', audit.Before));
            cmd.Parameters.AddWithValue("$after", string.Join(';', audit.After));
            cmd.ExecuteNonQuery();
        }, cancellationToken);

    public Task CompleteRunAsync(RunReport report, CancellationToken cancellationToken) =>
        InTransactionAsync(tx =>
        {
            using (var cmd = Command(tx, "UPDATE runs SET finished_at = $at, degraded = $degraded, writes = $writes, state = 'done', report = $report WHERE id = $id"))
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
                    using var check = Command(tx, "INSERT INTO check_results (run_id, cluster, vmid, level, check_id, status, detail) VALUES ($run, $cluster, $vmid, $level, $check, $status, $detail)");
                    check.Parameters.AddWithValue("$run", report.RunId);
                    check.Parameters.AddWithValue("$cluster", g.Cluster);
                    check.Parameters.AddWithValue("$vmid", g.Vmid);
                    check.Parameters.AddWithValue("$level", g.Level);
                    check.Parameters.AddWithValue("$check", c.Id);
                    check.Parameters.AddWithValue("$status", c.Status.ToString().ToLowerInvariant());
                    check.Parameters.AddWithValue("$detail", c.Detail);
                    check.ExecuteNonQuery();
                }
            }
        }, cancellationToken);

    /// <summary>The report of the newest finished run, if any.</summary>
    public async Task<RunReport?> LastRunAsync(CancellationToken cancellationToken) =>
        (await ReadAsync(
            "SELECT report FROM runs WHERE state = 'done' ORDER BY started_at DESC LIMIT 1",
            null,
            r => JsonSerializer.Deserialize<RunReport>(r.GetString(0), ReportJson.Options),
            cancellationToken)).FirstOrDefault();

    public long Count(string table)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = table switch
        {
            "runs" or "tag_writes" or "restore_tests" or "check_results" or "alerts" or "notifications" => string.Create(CultureInfo.InvariantCulture, $"SELECT COUNT(*) FROM {table}"),
            _ => throw new ArgumentOutOfRangeException(nameof(table)),
        };
        return (long)cmd.ExecuteScalar()!;
    }

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    /// <param name="work">The statements, in one transaction.</param>
    /// <param name="cancellationToken">Cancels the wait for the connection, not a running transaction.</param>
    /// <param name="durable">
    /// Synced to disk before it returns (<c>synchronous=FULL</c>): for rows written just before a request that changes
    /// Proxmox (a tag write's intent, a drill's restore task), which must survive a power loss, not just a crash.
    /// Everything else uses WAL's <c>NORMAL</c>, which survives a process crash.
    /// </param>
    private async Task InTransactionAsync(Action<SqliteTransaction> work, CancellationToken cancellationToken, bool durable = false)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (durable)
            {
                Execute(_connection, "PRAGMA synchronous=FULL;");
            }

            try
            {
                using var tx = _connection.BeginTransaction();
                work(tx);
                tx.Commit();
            }
            finally
            {
                if (durable)
                {
                    Execute(_connection, "PRAGMA synchronous=NORMAL;");
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteCommand Command(SqliteTransaction tx, string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
