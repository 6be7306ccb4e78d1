using Microsoft.Data.Sqlite;

namespace SelfHostSync.Tests.Reliability;

/// <summary>The daemon when its own state store fails: passes fail and say why; three in a row stop it with exit 1.</summary>
public sealed class StateStoreFaultTests
{
    [Fact]
    public async Task Run_StateStoreLockedByAnotherProcess_ThreeFailedPassesExitOne()
    {
        ErrorLog.Expect("database is locked");
        await using var daemon = await DaemonProcess.StartAsync();
        var tags = daemon.Run.Lab.Cluster("homelab").TagsOf(100);

        // Another process (an sqlite3 shell, a backup tool) holds the write lock; the store's busy timeout is 5 s.
        using var holder = new SqliteConnection($"Data Source={Path.Combine(daemon.Run.Directory, "state", "selfhostsync.db")};Pooling=False");
        holder.Open();
        using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE";
            begin.ExecuteNonQuery();
        }

        // The first pass after the lock fails and says why, even though the store could not record it.
        var (code, _, stderr) = await Executable.RunAsync("resync", "--wait", "--config", daemon.Run.ConfigPath);
        Assert.True(code == 1, $"{code}: {stderr}");
        Assert.Contains("failed: SQLite Error 5: 'database is locked'", stderr, StringComparison.Ordinal);

        // So do the next ones until the third failure in a row stops the daemon. The start-up pass's own bookkeeping
        // (alerts, retention) may already have run into the lock and be the first of the three; a resync whose pass
        // stops the daemon may find it gone before it can ask (69).
        for (var i = 0; i < 2 && !daemon.Process.HasExited; i++)
        {
            var next = await Executable.RunAsync("resync", "--wait", "--config", daemon.Run.ConfigPath);
            Assert.True(next.Code is 1 or 69, $"{next.Code}: {next.Stderr}");
            Assert.True(next.Code == 69 || next.Stderr.Contains("database is locked", StringComparison.Ordinal), next.Stderr);
        }

        var (exit, log) = await daemon.StopAsync();

        Assert.Equal(1, exit);
        Assert.Contains("database is locked", log, StringComparison.Ordinal);
        Assert.Contains("3 passes in a row failed", log, StringComparison.Ordinal);
        Assert.Equal(tags, daemon.Run.Lab.Cluster("homelab").TagsOf(100));
        Assert.DoesNotContain("demo-homelab-token", log, StringComparison.Ordinal);
    }
}
