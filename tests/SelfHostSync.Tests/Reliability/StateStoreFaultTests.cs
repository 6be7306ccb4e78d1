using Microsoft.Data.Sqlite;

namespace SelfHostSync.Tests.Reliability;

/// <summary>The daemon when its own state store fails: passes fail and say why; three in a row stop it with exit 1.</summary>
public sealed class StateStoreFaultTests
{
    [Fact]
    public async Task Run_StateStoreLockedByAnotherProcess_ThreeFailedPassesExitOne()
    {
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

        for (var i = 0; i < 2; i++)
        {
            var (code, _, stderr) = await LabRun.ExecAsync("resync", "--wait", "--config", daemon.Run.ConfigPath);

            // The pass failed and says why, even though the store could not record it.
            Assert.True(code == 1, $"{code}: {stderr}");
            Assert.Contains("failed: SQLite Error 5: 'database is locked'", stderr, StringComparison.Ordinal);
        }

        // The third failure in a row stops the daemon (its resync may find it gone before it can ask).
        var third = await LabRun.ExecAsync("resync", "--wait", "--config", daemon.Run.ConfigPath);
        Assert.Contains(third.Code, new[] { 1, 69 });

        var (exit, log) = await daemon.StopAsync();

        Assert.Equal(1, exit);
        Assert.Contains("database is locked", log, StringComparison.Ordinal);
        Assert.Contains("3 passes in a row failed", log, StringComparison.Ordinal);
        Assert.Equal(tags, daemon.Run.Lab.Cluster("homelab").TagsOf(100));
        Assert.DoesNotContain("demo-homelab-token", log, StringComparison.Ordinal);
    }
}
