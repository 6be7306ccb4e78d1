using Microsoft.Data.Sqlite;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.State;

namespace SelfHostSync.Tests.State;

public sealed class StateStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "shs-store-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Open_NewFile_AllMigrationsAppliedAndMode0600()
    {
        using var store = OpenState.In(_dir);

        Assert.Equal(Migrations.All.Count, UserVersion(store.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
        Assert.Equal(0, store.Count("alerts"));
    }

    [Fact]
    public async Task SaveKeptReads_ReadAgainAndOlderThanAWeek_ReplacedAndPruned()
    {
        var now = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        using (var store = OpenState.In(_dir))
        {
            await store.KeptReads.SaveKeptReadsAsync(
                [new("pve:a/jobs", "[1]", now.AddDays(-8)), new("pve:a/storages", "[2]", now.AddHours(-2))],
                now.AddDays(-8),
                CancellationToken.None
            );
            await store.KeptReads.SaveKeptReadsAsync([new("pve:a/storages", "[3]", now)], now, CancellationToken.None);
        }

        using var reopened = OpenState.In(_dir);
        var kept = await reopened.KeptReads.LoadKeptReadsAsync(CancellationToken.None);

        Assert.Equal([new Core.Sync.KeptRead("pve:a/storages", "[3]", now)], kept);
    }

    [Theory]
    [InlineData("garbage", "cannot be read (SQLite 26")]
    [InlineData("newer", "written by a newer SelfHostSync (schema 99")]
    public void Open_UnusableFile_OneLineWithTheCommandToMoveItAside(string kind, string expected)
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, StateDatabase.FileName);
        if (kind == "garbage")
        {
            File.WriteAllBytes(path, System.Text.Encoding.ASCII.GetBytes(new string('x', 8192)));
        }
        else
        {
            using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA user_version = 99;";
            cmd.ExecuteNonQuery();
        }

        var ex = Assert.Throws<Configuration.ConfigException>(() => OpenState.In(_dir));

        var line = Assert.Single(ex.Problems);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Contains($"mv {path} {path}.broken", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public async Task Open_VersionOneFile_MigratesAndKeepsData()
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, StateDatabase.FileName);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText =
                Migrations.All[0]
                + "\nPRAGMA user_version = 1;\nINSERT INTO restore_tests (id, cluster, vmid, kind, at, passed) VALUES ('t1', 'homelab', 100, 'Manual', 1700000000, 1);";
            cmd.ExecuteNonQuery();
        }

        using var store = OpenState.In(_dir);

        Assert.Equal(Migrations.All.Count, UserVersion(path));
        Assert.Single(await store.Runs.LoadRestoreTestsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Prune_OldHistory_KeepsNewestSuccessfulRestoreTestPerGuest()
    {
        using var store = OpenState.In(_dir);
        var now = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        var guest = new GuestKey("homelab", 100);
        await store.Runs.RecordRestoreTestsAsync(
            [
                new RestoreTest("old-pass", guest, RestoreTestKind.Manual, now.AddDays(-400), true, null, null, null),
                new RestoreTest("older-pass", guest, RestoreTestKind.Manual, now.AddDays(-500), true, null, null, null),
                new RestoreTest("old-fail", guest, RestoreTestKind.Manual, now.AddDays(-300), false, null, null, null),
                new RestoreTest("recent", new GuestKey("homelab", 101), RestoreTestKind.Manual, now.AddDays(-10), true, null, null, null),
            ],
            CancellationToken.None
        );
        await store.Runs.BeginRunAsync("old-run", now.AddDays(-200), false, CancellationToken.None);
        await store.Runs.BeginRunAsync("new-run", now.AddDays(-1), false, CancellationToken.None);

        await store.Runs.PruneAsync(now.AddDays(-180), CancellationToken.None);

        var kept = (await store.Runs.LoadRestoreTestsAsync(CancellationToken.None)).Select(t => t.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["old-pass", "recent"], kept);
        Assert.Equal(1, store.Count("runs"));
        Assert.NotNull(await store.Runs.GetRunAsync("new-run", CancellationToken.None));
    }

    private static long UserVersion(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA user_version";
        return (long)cmd.ExecuteScalar()!;
    }

    [Fact]
    public async Task SaveAlerts_LevelAndNone_ReadBackAsTheEnum()
    {
        var since = new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);
        var open = new Dictionary<string, Core.Alerts.OpenAlert>(StringComparer.Ordinal)
        {
            ["g:a:backup"] = new("g:a:backup", "homelab/100", "backup-fresh", Level.Production, "no backup", since),
            ["src:pbs"] = new("src:pbs", "pbs:backup", null, null, "unreachable", since),
        };
        using (var store = OpenState.In(_dir))
        {
            await store.Alerts.SaveAlertsAsync(open, CancellationToken.None);
        }

        using var reopened = OpenState.In(_dir);
        var loaded = await reopened.Alerts.LoadAlertsAsync(CancellationToken.None);

        Assert.Equal(Level.Production, loaded["g:a:backup"].Level);
        Assert.Null(loaded["src:pbs"].Level);
    }
}
