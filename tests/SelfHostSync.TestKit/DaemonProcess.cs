using System.Net.Http.Json;
using System.Text.Json;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.TestKit;

/// <summary>`selfhostsync run` as a child process against a lab, with its control API on a free loopback port.</summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private const int PortCount = 8000;
    private static readonly int PortsFrom = EphemeralPortsFrom() - PortCount;
    private static int _nextPort = Random.Shared.Next(PortCount);

    private DaemonProcess(LabRun run, CommandProcess process, Uri url)
    {
        Run = run;
        Process = process;
        Url = url;
        Http = new HttpClient { BaseAddress = url };
    }

    public LabRun Run { get; }

    public CommandProcess Process { get; }

    public Uri Url { get; }

    public HttpClient Http { get; }

    /// <summary>The webhook secret every test daemon is started with.</summary>
    public const string HookSecret = "hook-secret-0123456789abcdef";

    public static async Task<DaemonProcess> StartAsync(
        string? token = null,
        Func<LabScenario, LabScenario>? scenario = null,
        Func<string, string>? editConfig = null
    )
    {
        var port = FreePort();
        var control = token is null
            ? $"\"ControlApi\": {{ \"Urls\": \"http://127.0.0.1:{port}\", \"HookSecret\": \"{HookSecret}\" }},"
            : $"\"ControlApi\": {{ \"Urls\": \"http://127.0.0.1:{port}\", \"Token\": \"{token}\", \"HookSecret\": \"{HookSecret}\" }},";
        var run = await LabRun.StartAsync(
            text =>
            {
                var edited = text.Replace(
                    "\"StateDirectory\":",
                    control + " \"Schedule\": \"0 0 3 * * ?\", \"StateDirectory\":",
                    StringComparison.Ordinal
                );
                return editConfig is null ? edited : editConfig(edited);
            },
            scenario
        );
        var daemon = new DaemonProcess(run, Executable.Start("run", "--config", run.ConfigPath), new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await daemon.WaitHealthyAsync();
            return daemon;
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A free loopback TCP port for a control API, below the kernel's ephemeral range: a lab server (which binds port 0)
    /// or an outgoing connection never takes it between this check and the daemon's own bind, and this process hands
    /// each port out once.
    /// </summary>
    public static int FreePort()
    {
        for (var tries = 0; tries < 2000; tries++)
        {
            var port = PortsFrom + ((Interlocked.Increment(ref _nextPort) & int.MaxValue) % PortCount);
            try
            {
                using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (System.Net.Sockets.SocketException) { }
        }

        throw new InvalidOperationException($"no free loopback port in {PortsFrom}–{PortsFrom + PortCount - 1}");
    }

    public async Task WaitHealthyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (Process.HasExited)
            {
                Assert.Fail($"daemon exited early ({Process.ExitCode}): {(await Process.OutputAsync()).Stderr}");
            }

            try
            {
                using var health = await Http.GetFromJsonAsync<JsonDocument>("healthz");
                if (health!.RootElement.GetProperty("status").GetString() is "ok" or "degraded")
                {
                    return;
                }
            }
            catch (HttpRequestException) { }

            Assert.True(DateTime.UtcNow < deadline, "daemon did not become healthy within 60 s");
            await Task.Delay(250);
        }
    }

    /// <summary>SIGTERM and wait: the exit code and everything it logged.</summary>
    public async Task<(int Code, string Stderr)> StopAsync()
    {
        Process.Terminate();
        var (_, stderr) = await Process.OutputAsync(TimeSpan.FromSeconds(60));
        return (Process.ExitCode, stderr);
    }

    private static int EphemeralPortsFrom()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        return
            File.Exists(Range)
            && int.TryParse(File.ReadAllText(Range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var low)
            && low > PortCount + 1024
            ? low
            : 32768;
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        Http.Dispose();
        await Run.DisposeAsync();
    }
}
