using System.CommandLine;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SelfHostSync.Cli;
using SelfHostSync.Composition;
using SelfHostSync.Configuration;
using SelfHostSync.Core.Sync;
using SelfHostSync.Daemon;
using SelfHostSync.Lab;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;
using SelfHostSync.Output;
using SelfHostSync.Passes;
using Spectre.Console;

namespace SelfHostSync.Cli;

/// <summary><c>selfhostsync demo</c>: starts the built-in lab on loopback and runs SelfHostSync against it.</summary>
internal static class DemoCommand
{
    public static Command Build(TimeProvider time)
    {
        var once = new Option<bool>("--once") { Description = "Run one pass, print the matrix and exit" };
        var state = new Option<string?>("--state") { Description = "State directory (default: a new temporary directory)" };
        var command = new Command(
            "demo",
            "Start the built-in lab (simulated PVE clusters and PBS servers) on loopback and run SelfHostSync against it"
        )
        {
            once,
            state,
        };
        command.SetAction(
            async (parse, ct) =>
            {
                var configDir = Path.Combine(AppContext.BaseDirectory, "config");
                var scenario = LabScenario.Load(Path.Combine(configDir, "demo-lab.json"));
                await using var lab = await LabHost.StartAsync(scenario, time.GetUtcNow(), ct);
                var stateDir = parse.GetValue(state) ?? Path.Combine(Path.GetTempPath(), $"selfhostsync-demo-{Environment.ProcessId}");
                Directory.CreateDirectory(stateDir);
                var configPath = WriteConfig(Path.Combine(configDir, "demo-appsettings.json"), stateDir, lab);

                return await Commands.WithConfig(configPath, time, async (config, log, services) =>
                {
                    var console = AnsiConsole.Console;
                    console.MarkupLine(
                        $"[bold]SelfHostSync demo[/]: lab with {lab.Clusters.Count} clusters, {lab.BackupServers.Count} backup servers and {lab.Synology.Count} Synology NAS on 127.0.0.1"
                    );
                    if (parse.GetValue(once))
                    {
                        var runner = services.GetRequiredService<PassRunner>();
                        var report = await WithProgressAsync(console, p => runner.RunAsync(dryRun: false, p, ct));
                        MatrixRenderer.Render(console, report);
                        return ExitCodes.Ok;
                    }

                    return await RunDaemonAsync(console, config, lab, configPath, time, log, ct);
                });
            }
        );
        return command;
    }

    /// <summary>The daemon against the lab: first pass with progress, the matrix, then the dashboard until Ctrl-C.</summary>
    private static async Task<int> RunDaemonAsync(
        IAnsiConsole console,
        AppConfig config,
        LabHost lab,
        string configPath,
        TimeProvider time,
        Serilog.ILogger log,
        CancellationToken ct
    )
    {
        await using var app = await StartHostAsync(config, time, log, ct);
        var coordinator = app.Services.GetRequiredService<SyncCoordinator>();
        var first = await coordinator.FirstPass.WaitAsync(ct);
        var report = await WithProgressAsync(console, async _ =>
        {
            while (!first.Completion.IsCompleted)
            {
                await Task.WhenAny(first.Completion, Task.Delay(200, ct));
            }

            return await first.Completion ?? throw new InvalidOperationException(first.Error ?? "the first pass failed");
        });
        MatrixRenderer.Render(console, report);
        if (app.Services.GetRequiredService<DaemonDrills>().TryStart(null, "demo"))
        {
            console.MarkupLine(
                "Restore drill started: the never-tested production guest is restored into 9900-9999, booted isolated, probed and destroyed (see the dashboard's Restore drills)."
            );
        }

        var url = app.Urls.First();
        console.MarkupLine($"Dashboard: [link]{Markup.Escape(url)}/[/]   metrics: {Markup.Escape(url)}/metrics   (Ctrl-C stops the demo)");
        console.MarkupLine($"Try: [grey]dotnet run --project src/SelfHostSync -- explain homelab/121 --config {Markup.Escape(configPath)}[/]");
        foreach (var c in lab.Clusters)
        {
            console.MarkupLine($"  PVE {Markup.Escape(c.Name)}: {c.Server.Url} (fingerprint {c.Server.Fingerprint[..23]}…)");
        }

        try
        {
            await app.WaitForShutdownAsync(ct);
        }
        catch (OperationCanceledException) { }

        await app.StopAsync(CancellationToken.None);
        console.MarkupLine("stopped");
        return app.Services.GetRequiredService<DaemonHealth>().Crashed ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>The usual port when it is free, any free port otherwise.</summary>
    private static async Task<WebApplication> StartHostAsync(AppConfig config, TimeProvider time, Serilog.ILogger log, CancellationToken ct)
    {
        var app = DaemonHost.Build(config, time, log);
        try
        {
            await app.StartAsync(ct);
            return app;
        }
        catch (IOException)
        {
            await app.DisposeAsync();
            app = DaemonHost.Build(config, time, log, [new Uri("http://127.0.0.1:0")]);
            await app.StartAsync(ct);
            return app;
        }
    }

    private static async Task<RunReport> WithProgressAsync(IAnsiConsole console, Func<IProgress<SyncProgress>, Task<RunReport>> run)
    {
        RunReport? report = null;
        await console
            .Status()
            .StartAsync("collecting…", async status =>
            {
                report = await run(new Progress<SyncProgress>(p => status.Status($"{p.Stage} {p.Done}/{p.Total}")));
            });
        return report!;
    }

    private static string WriteConfig(string templatePath, string stateDir, LabHost lab)
    {
        var text = lab.Fill(File.ReadAllText(templatePath).Replace("{{state}}", Escape(stateDir), StringComparison.Ordinal));
        var path = Path.Combine(stateDir, "appsettings.json");
        File.WriteAllText(path, text);
        return path;
    }

    private static string Escape(string value) => JsonEncodedText.Encode(value).ToString();
}
