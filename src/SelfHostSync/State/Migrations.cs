using Microsoft.Data.Sqlite;

namespace SelfHostSync.State;

/// <summary>Numbered schema migrations, applied in order inside one transaction each; <c>user_version</c> records the last.</summary>
internal static class Migrations
{
    public static IReadOnlyList<string> All { get; } =
    [
        """
            CREATE TABLE runs (
                id TEXT PRIMARY KEY,
                started_at INTEGER NOT NULL,
                finished_at INTEGER,
                dry_run INTEGER NOT NULL,
                degraded INTEGER,
                writes INTEGER,
                state TEXT NOT NULL,
                report TEXT);
            CREATE INDEX runs_started ON runs (started_at);
            CREATE TABLE restore_tests (
                id TEXT PRIMARY KEY,
                cluster TEXT NOT NULL,
                vmid INTEGER NOT NULL,
                kind TEXT NOT NULL,
                at INTEGER NOT NULL,
                passed INTEGER NOT NULL,
                source_archive TEXT,
                target TEXT,
                note TEXT);
            CREATE INDEX restore_tests_guest ON restore_tests (cluster, vmid);
            CREATE TABLE tag_writes (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT NOT NULL REFERENCES runs (id),
                cluster TEXT NOT NULL,
                vmid INTEGER NOT NULL,
                at INTEGER NOT NULL,
                before TEXT NOT NULL,
                after TEXT NOT NULL);
            CREATE TABLE check_results (
                run_id TEXT NOT NULL REFERENCES runs (id),
                cluster TEXT NOT NULL,
                vmid INTEGER NOT NULL,
                level TEXT NOT NULL,
                check_id TEXT NOT NULL,
                status TEXT NOT NULL,
                detail TEXT NOT NULL);
            CREATE INDEX check_results_guest ON check_results (cluster, vmid);
            """,
        """
            CREATE TABLE alerts (
                key TEXT PRIMARY KEY,
                subject TEXT NOT NULL,
                check_id TEXT,
                level TEXT,
                detail TEXT NOT NULL,
                since INTEGER NOT NULL);
            CREATE TABLE notifications (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id TEXT,
                at INTEGER NOT NULL,
                channel TEXT NOT NULL,
                kind TEXT NOT NULL,
                title TEXT NOT NULL,
                events INTEGER NOT NULL,
                ok INTEGER NOT NULL,
                error TEXT);
            CREATE INDEX notifications_at ON notifications (at);
            CREATE INDEX check_results_run ON check_results (run_id);
            CREATE INDEX tag_writes_run ON tag_writes (run_id);
            """,
        """
            ALTER TABLE tag_writes ADD COLUMN state TEXT NOT NULL DEFAULT 'written';
            """,
        """
            CREATE TABLE drills (
                id TEXT PRIMARY KEY,
                cluster TEXT NOT NULL,
                vmid INTEGER NOT NULL,
                guest_name TEXT,
                type TEXT NOT NULL,
                node TEXT NOT NULL,
                scratch_vmid INTEGER NOT NULL,
                archive TEXT NOT NULL,
                backup_time INTEGER,
                started_at INTEGER NOT NULL,
                finished_at INTEGER,
                state TEXT NOT NULL,
                phase TEXT NOT NULL,
                restore_seconds REAL,
                boot_seconds REAL,
                reason TEXT,
                restore_upid TEXT,
                cleaned_up INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX drills_guest ON drills (cluster, vmid, started_at);
            CREATE INDEX drills_state ON drills (state);
            """,
        """
            CREATE TABLE kept_reads (
                key TEXT PRIMARY KEY,
                read_at INTEGER NOT NULL,
                payload TEXT NOT NULL);
            """,
        """
            ALTER TABLE drills ADD COLUMN probes TEXT;
            """,
        """
            CREATE TABLE protections (
                cluster TEXT NOT NULL,
                vmid INTEGER NOT NULL,
                archive TEXT NOT NULL,
                node TEXT NOT NULL,
                backup_time INTEGER NOT NULL,
                drill_id TEXT NOT NULL,
                protected_at INTEGER NOT NULL,
                released_at INTEGER,
                PRIMARY KEY (cluster, vmid, archive));
            ALTER TABLE drills ADD COLUMN failed_in_row INTEGER;
            """,
        """
            CREATE TABLE hook_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at INTEGER NOT NULL,
                source TEXT NOT NULL,
                type TEXT,
                host TEXT,
                datastore TEXT,
                severity TEXT,
                title TEXT,
                guests TEXT,
                outcome TEXT NOT NULL,
                run_id TEXT);
            """,
        """
            CREATE TABLE summaries (
                period_end INTEGER PRIMARY KEY,
                sent_at INTEGER NOT NULL);
            """,
        """
            CREATE TABLE audience_retained (
                audience TEXT NOT NULL,
                topic TEXT NOT NULL,
                payload TEXT NOT NULL,
                PRIMARY KEY (audience, topic));
            """,
        """
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kept_at INTEGER NOT NULL,
                kind TEXT NOT NULL,
                message TEXT NOT NULL,
                html TEXT);
            """,
    ];

    public sealed class NewerSchemaException(string message) : Exception(message);

    public static void Apply(SqliteConnection connection)
    {
        using var get = connection.CreateCommand();
        get.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(get.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version > All.Count)
        {
            // A downgrade: this binary does not know the newer tables, and writing would corrupt them.
            throw new NewerSchemaException($"written by a newer SelfHostSync (schema {version}; this one knows {All.Count})");
        }

        for (var i = version; i < All.Count; i++)
        {
            using var tx = connection.BeginTransaction();
            using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = All[i] + $"\nPRAGMA user_version = {i + 1};";
            cmd.ExecuteNonQuery();
            tx.Commit();
        }
    }
}
