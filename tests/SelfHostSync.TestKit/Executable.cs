using System.Diagnostics;

namespace SelfHostSync.TestKit;

/// <summary>The built <c>selfhostsync</c> executable next to the test binaries, run as a child process.</summary>
public static class Executable
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    /// <summary>Runs it to the end with the given arguments, logging at debug level.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(NoEnvironment, args);

    /// <summary>Runs it to the end with extra environment variables, logging at debug level.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        await using var process = Start(environment, debug: true, args);
        var (stdout, stderr) = await process.OutputAsync();
        return (process.ExitCode, stdout, stderr);
    }

    /// <summary>Starts it without waiting (the daemon); the caller stops it and disposes it.</summary>
    public static CommandProcess Start(params string[] args) => Start(NoEnvironment, debug: false, args);

    private static CommandProcess Start(IReadOnlyDictionary<string, string> environment, bool debug, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "selfhostsync.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["NO_COLOR"] = "1";
        if (debug)
        {
            psi.Environment["SELFHOSTSYNC_DEBUG"] = "1";
        }

        // What the test runner's own environment might carry and would change the executable's behaviour.
        foreach (var inherited in new[] { "SELFHOSTSYNC_CONFIG", "CREDENTIALS_DIRECTORY", "JOURNAL_STREAM", "NOTIFY_SOCKET" })
        {
            psi.Environment.Remove(inherited);
        }

        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        return new CommandProcess(Process.Start(psi)!, "selfhostsync " + string.Join(' ', args));
    }
}
