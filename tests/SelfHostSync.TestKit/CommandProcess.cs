using System.Diagnostics;
using System.Globalization;

namespace SelfHostSync.TestKit;

/// <summary>
/// One run of the executable, running or ended. Its output is read as it comes; when it has ended and been waited for,
/// or is disposed, what it wrote is handed to <see cref="ErrorLog"/> for the running test.
/// </summary>
public sealed class CommandProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _command;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;
    private int _recorded;

    internal CommandProcess(Process process, string command)
    {
        _process = process;
        _command = command;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>SIGKILL, as a crash or the OOM killer would end it.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as <c>systemctl stop</c> sends it.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    public async Task WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>Waits for the end: everything it wrote to standard output and standard error.</summary>
    public async Task<(string Stdout, string Stderr)> OutputAsync(TimeSpan? timeout = null)
    {
        await WaitForExitAsync(timeout);
        var output = (await _stdout, await _stderr);
        if (Interlocked.Exchange(ref _recorded, 1) == 0)
        {
            ErrorLog.Record(_command, output.Item1 + "\n" + output.Item2);
        }

        return output;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        await OutputAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }
}
