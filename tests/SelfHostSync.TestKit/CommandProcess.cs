using System.Diagnostics;
using System.Globalization;

namespace SelfHostSync.TestKit;

/// <summary>
/// One run of the executable, running or ended. Its output is read as it comes; when it has ended and been waited for,
/// or is disposed, what it wrote is handed to <see cref="ErrorLog"/> for the running test.
/// </summary>
public sealed class CommandProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly string command;
    private readonly Task<string> stdout;
    private readonly Task<string> stderr;
    private int recorded;

    internal CommandProcess(Process process, string command)
    {
        this.process = process;
        this.command = command;
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>SIGKILL, as a crash or the OOM killer would end it.</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as <c>systemctl stop</c> sends it.</summary>
    public void Terminate()
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    public async Task WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Waits for the end: everything it wrote to standard output and standard error.</summary>
    public async Task<(string Stdout, string Stderr)> OutputAsync(TimeSpan? timeout = null)
    {
        await WaitForExitAsync(timeout);
        var output = (await stdout, await stderr);
        if (Interlocked.Exchange(ref recorded, 1) == 0)
        {
            ErrorLog.Record(command, output.Item1 + "\n" + output.Item2);
        }

        return output;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            Kill();
        }

        await OutputAsync(TimeSpan.FromSeconds(30));
        process.Dispose();
    }
}
