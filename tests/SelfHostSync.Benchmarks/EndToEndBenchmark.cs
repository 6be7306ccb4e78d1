using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SelfHostSync.Composition;
using SelfHostSync.Configuration;
using SelfHostSync.Core.Sync;
using SelfHostSync.Http;
using SelfHostSync.Lab.Scenario;
using SelfHostSync.Passes;
using Serilog;

namespace SelfHostSync.Benchmarks;

/// <summary>
/// Real passes against a generated estate: the lab runs in a child process (so its memory is not ours), the passes run
/// here exactly as the daemon runs them (one PassRunner, so the second pass is the steady state), then a restart (a new
/// PassRunner on the same state directory) and a <c>sync</c> in a process of its own.
/// </summary>
internal static class EndToEndBenchmark
{
    public static async Task<string> RunAsync(EstateSize size, double latencyMs)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"shs-bench-{size.Name}-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        using var lab = StartLab(size, latencyMs, dir, out var configPath);
        try
        {
            var config = ConfigLoader.Load(configPath);
            using var log = new LoggerConfiguration()
                .MinimumLevel.Warning()
                .WriteTo.Console(standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose, formatProvider: CultureInfo.InvariantCulture)
                .CreateLogger();
            Measured first,
                steady,
                restart;
            await using (var services = SelfHostSyncServices.Build(config, log, TimeProvider.System))
            {
                first = await MeasureAsync(services);
                steady = await MeasureAsync(services);
            }

            // A restart: new services on the same state directory, as the daemon after an upgrade or `sync` from cron.
            await using (var restarted = SelfHostSyncServices.Build(config, log, TimeProvider.System))
            {
                restart = await MeasureAsync(restarted);
            }

            var cli = await MeasureCliAsync(configPath);
            return Render(
                size,
                latencyMs,
                [
                    ("first", first, Floor(size, first.Report.Writes)),
                    ("steady state", steady, Floor(size, steady.Report.Writes)),
                    ("restart", restart, Floor(size, restart.Report.Writes)),
                ],
                cli
            );
        }
        finally
        {
            lab.Kill(entireProcessTree: true);
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static Process StartLab(EstateSize size, double latencyMs, string dir, out string configPath)
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "selfhostsync.dll");
        var psi = new ProcessStartInfo(
            "dotnet",
            [exe, "lab", "--size", size.Name, "--latency-ms", latencyMs.ToString(CultureInfo.InvariantCulture), "--state", dir]
        )
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(psi)!;
        configPath = string.Empty;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith("config ", StringComparison.Ordinal))
            {
                configPath = line["config ".Length..];
            }
            else if (line == "ready")
            {
                return process;
            }
        }

        throw new InvalidOperationException("the lab did not start");
    }

    /// <summary>The fewest requests a pass could make: one resources call per cluster, one snapshot listing per
    /// datastore namespace, one task listing per node, the DSM calls, one write per guest whose tags must change.</summary>
    private static int Floor(EstateSize size, int writes) =>
        size.Clusters
        + (size.Clusters * size.BackupServers * size.DatastoresPerServer * size.NamespacesPerDatastore)
        + (size.Clusters * size.NodesPerCluster)
        + 7
        + writes;

    private static async Task<Measured> MeasureAsync(IServiceProvider services)
    {
        var runner = services.GetRequiredService<PassRunner>();
        var meter = services.GetRequiredService<RequestMeter>();
        var before = meter.Snapshot();
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        using var process = Process.GetCurrentProcess();
        long peak = 0;
        using var sampler = new Timer(
            _ =>
            {
                process.Refresh();
                Interlocked.Exchange(ref peak, Math.Max(Interlocked.Read(ref peak), process.WorkingSet64));
            },
            null,
            0,
            25
        );
        var clock = Stopwatch.StartNew();
        var report = await runner.RunAsync(dryRun: false, null, CancellationToken.None);
        clock.Stop();
        await sampler.DisposeAsync();
        process.Refresh();
        peak = Math.Max(peak, process.WorkingSet64);
        var after = meter.Snapshot();
        var requests = after.ToDictionary(
            kv => kv.Key,
            kv =>
                (
                    Requests: kv.Value.Requests - (before.TryGetValue(kv.Key, out var b) ? b.Requests : 0),
                    Bytes: kv.Value.Bytes - (before.TryGetValue(kv.Key, out var c) ? c.Bytes : 0),
                    kv.Value.PeakInFlight
                )
        );
        return new Measured(report, clock.Elapsed, requests, peak, GC.GetTotalAllocatedBytes(precise: true) - allocated);
    }

    /// <summary><c>selfhostsync sync</c> in a process of its own after the passes above: its wall time and peak resident set.</summary>
    private static async Task<(TimeSpan Wall, long PeakRss, int ExitCode)> MeasureCliAsync(string configPath)
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "selfhostsync.dll");
        var psi = new ProcessStartInfo("dotnet", [exe, "sync", "--json", "--config", configPath])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var drain = process.StandardOutput.ReadToEndAsync();
        long peak = 0;
        while (!process.HasExited)
        {
            // VmHWM only grows: the last reading before the process ends is its peak (to within the last 25 ms).
            try
            {
                var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (line is not null)
                {
                    peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024);
                }
            }
            catch (IOException) { }

            await Task.Delay(25);
        }

        await drain;
        clock.Stop();
        return (clock.Elapsed, peak, process.ExitCode);
    }

    private static string Render(
        EstateSize size,
        double latencyMs,
        (string Name, Measured M, int Floor)[] passes,
        (TimeSpan Wall, long PeakRss, int ExitCode) cli
    )
    {
        var (first, steady) = (passes[0].M, passes[1].M);
        var w = new System.Text.StringBuilder();
        w.AppendLine(
            CultureInfo.InvariantCulture,
            $"### {size.Name}: {size.Clusters} cluster(s) × {size.GuestsPerCluster} guests, {size.BackupServers} PBS × {size.DatastoresPerServer} datastores × {size.NamespacesPerDatastore} namespaces, {size.Snapshots:N0} snapshots, {latencyMs} ms latency"
        );
        w.AppendLine();
        w.AppendLine("| pass | wall | requests | floor | requests / floor | received | tag writes | peak working set | allocated | degraded |");
        w.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (name, m, floor) in passes)
        {
            var requests = m.Requests.Values.Sum(v => v.Requests);
            w.AppendLine(
                CultureInfo.InvariantCulture,
                $"| {name} | {m.Wall.TotalSeconds:0.00} s | {requests:N0} | {floor:N0} | {(double)requests / floor:0.00} | {m.Requests.Values.Sum(v => v.Bytes) / 1048576.0:0.0} MiB | {m.Report.Writes:N0} | {m.PeakWorkingSet / 1048576.0:0} MB | {m.Allocated / 1048576.0:0} MiB | {m.Report.Degraded} |"
            );
        }

        w.AppendLine();
        w.AppendLine(
            CultureInfo.InvariantCulture,
            $"`selfhostsync sync` in its own process after these passes: {cli.Wall.TotalSeconds:0.00} s from process start, peak resident set (VmHWM) {cli.PeakRss / 1048576.0:0} MB, exit {cli.ExitCode}."
        );
        w.AppendLine();
        var restart = passes[2].M;
        w.AppendLine("| endpoint | first: requests | steady: requests | restart: requests | most in flight |");
        w.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var key in first.Requests.Keys.Order(StringComparer.Ordinal))
        {
            w.AppendLine(
                CultureInfo.InvariantCulture,
                $"| {key} | {first.Requests[key].Requests:N0} | {steady.Requests.GetValueOrDefault(key).Requests:N0} | {restart.Requests.GetValueOrDefault(key).Requests:N0} | {passes.Max(p => p.M.Requests.GetValueOrDefault(key).PeakInFlight)} |"
            );
        }

        return w.ToString();
    }

    private sealed record Measured(
        RunReport Report,
        TimeSpan Wall,
        Dictionary<string, (long Requests, long Bytes, int PeakInFlight)> Requests,
        long PeakWorkingSet,
        long Allocated
    );
}
