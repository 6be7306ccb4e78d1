namespace SelfHostSync.Tests.Reliability;

/// <summary>
/// A corrupt state database (reliability review M6): one line and exit 78, which the unit does not restart
/// (<c>RestartPreventExitStatus=78</c>), for the daemon and the CLI alike; no crash loop, no stack trace.
/// </summary>
public sealed class StateFileEndToEndTests
{
    [Theory]
    [InlineData("sync")]
    [InlineData("run")]
    [InlineData("status")]
    public async Task Command_CorruptStateDatabase_Exit78OneLineSayingWhatToDo(string command)
    {
        await using var run = await LabRun.StartAsync();
        Assert.Equal(0, (await Executable.RunAsync("sync", "--config", run.ConfigPath)).Code);
        var db = Path.Combine(run.Directory, "state", "selfhostsync.db");
        File.WriteAllBytes(db, System.Text.Encoding.ASCII.GetBytes(new string('x', 16384)));
        File.Delete(db + "-wal");
        File.Delete(db + "-shm");

        var (code, _, stderr) = await Executable.RunAsync(command, "--config", run.ConfigPath);

        Assert.True(code == 78, stderr);
        Assert.Contains("cannot be read (SQLite 26", stderr, StringComparison.Ordinal);
        Assert.Contains($"mv {db} {db}.broken", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
