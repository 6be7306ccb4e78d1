using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SelfHostSync.State;

/// <summary>
/// The state database: one SQLite file in <c>StateDirectory</c> (WAL, mode 0600, numbered migrations), one connection
/// behind a gate. Every statement runs in its own transaction, so a crash at any point leaves it consistent. The
/// stores (<see cref="RunStore"/>, <see cref="DrillStore"/>, <see cref="AlertStore"/>, <see cref="KeptReadStore"/>)
/// each own their tables.
/// </summary>
internal sealed class StateDatabase : IDisposable
{
    public const string FileName = "selfhostsync.db";
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private StateDatabase(SqliteConnection connection, string path)
    {
        _connection = connection;
        Path = path;
    }

    public string Path { get; }

    public static StateDatabase Open(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Configuration.ConfigException([
                $"StateDirectory: '{directory}' cannot be created ({(ex is UnauthorizedAccessException ? "permission denied" : ex.Message)})",
            ]);
        }

        var path = System.IO.Path.Combine(directory, FileName);
        var isNew = !File.Exists(path);
        // Another writer (the CLI next to the daemon, an sqlite3 shell) gets 5 s before a statement gives up; without
        // DefaultTimeout the provider would keep retrying a busy database for 30 s per statement.
        var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
                DefaultTimeout = 5,
            }.ToString()
        );
        try
        {
            connection.Open();
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new Configuration.ConfigException([
                $"StateDirectory: '{directory}' is not writable ({ex.SqliteErrorCode}: {ex.Message.ReplaceLineEndings(" ")})",
            ]);
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
        return new StateDatabase(connection, path);
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
            Migrations.NewerSchemaException newer =>
                $"state database '{path}': {newer.Message}; run the newer SelfHostSync, or start with fresh history: {aside}",
            SqliteException { SqliteErrorCode: 5 or 6 } =>
                $"state database '{path}' is locked by another process (an sqlite3 shell, a copy of SelfHostSync); close it and try again",
            SqliteException sql =>
                $"state database '{path}' cannot be read (SQLite {sql.SqliteErrorCode}: {sql.Message.ReplaceLineEndings(" ")}); keep it for inspection and start with fresh history: {aside}",
            _ => $"state database '{path}': {ex.Message}",
        };
    }

    public long Count(string table)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = table switch
        {
            "runs" or "tag_writes" or "restore_tests" or "check_results" or "alerts" or "notifications" or "outbox" => string.Create(
                CultureInfo.InvariantCulture,
                $"SELECT COUNT(*) FROM {table}"
            ),
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
    internal async Task InTransactionAsync(Action<SqliteTransaction> work, CancellationToken cancellationToken, bool durable = false)
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

    internal SqliteCommand Command(SqliteTransaction tx, string sql)
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

    internal async Task<List<T>> ReadAsync<T>(
        string sql,
        Action<SqliteCommand>? bind,
        Func<SqliteDataReader, T> map,
        CancellationToken cancellationToken
    )
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
