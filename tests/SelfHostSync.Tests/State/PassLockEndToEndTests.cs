using SelfHostSync.State;

namespace SelfHostSync.Tests.State;

/// <summary>
/// One pass at a time across processes (reliability review L3): <c>sync</c> by hand next to a running pass is refused
/// with what to do instead; the daemon waits for a pass run by hand; a lock file it cannot open gives one clear line (L4).
/// </summary>
public sealed class PassLockEndToEndTests
{
    [Fact]
    public async Task Sync_AnotherProcessPassing_RefusedSayingHowToAskTheDaemon()
    {
        await using var run = await LabRun.StartAsync();
        var state = Path.Combine(run.Directory, "state");
        Directory.CreateDirectory(state);
        using (var held = new FileStream(Path.Combine(state, "pass.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            ErrorLog.Expect("another SelfHostSync pass is running");
            var (code, _, stderr) = await Executable.RunAsync("sync", "--config", run.ConfigPath);

            Assert.Equal(1, code);
            Assert.Contains("another SelfHostSync pass is running", stderr, StringComparison.Ordinal);
            Assert.Contains("resync --wait", stderr, StringComparison.Ordinal);
        }

        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
    }

    [Fact]
    public async Task Daemon_PassByHandHoldsTheLock_DaemonWaitsThenPasses()
    {
        await using var daemon = await DaemonProcess.StartAsync();
        var held = new FileStream(
            Path.Combine(daemon.Run.Directory, "state", "pass.lock"),
            FileMode.OpenOrCreate,
            FileAccess.ReadWrite,
            FileShare.None
        );
        var resync = Executable.RunAsync("resync", "--wait", "--config", daemon.Run.ConfigPath);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(resync.IsCompleted, "the daemon passed while another process held the pass lock");

        await held.DisposeAsync();
        var (code, stdout, stderr) = await resync;

        Assert.True(code == 0, stderr);
        Assert.Contains("degraded false", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void TryAcquire_LockFileNotOpenable_OneLineWithTheFix()
    {
        var dir = Directory.CreateTempSubdirectory("shs-lock-");
        try
        {
            // A path that cannot be opened as a file stands in for another user's drills.lock (tests run as root).
            Directory.CreateDirectory(Path.Combine(dir.FullName, "drills.lock"));

            var ex = Assert.Throws<Configuration.ConfigException>(() => StateLock.TryAcquire(dir.FullName, "drills.lock"));

            Assert.Contains("chown selfhostsync:selfhostsync", Assert.Single(ex.Problems), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
