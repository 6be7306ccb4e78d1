using System.CommandLine;
using System.Text.Json;
using SelfHostSync.Cli;
using SelfHostSync.Core.Sync;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;
using SelfHostSync.Output;
using Spectre.Console;

namespace SelfHostSync.Demo;

/// <summary><c>selfhostsync demo</c>: starts the built-in lab on loopback and runs SelfHostSync against it.</summary>
internal static class DemoCommand
{
    public static Command Build(TimeProvider time)
    {
        var once = new Option<bool>("--once") { Description = "Run one pass, print the matrix and exit" };
        var state = new Option<string?>("--state") { Description = "State directory (default: a new temporary directory)" };
        var command = new Command("demo", "Start the built-in lab (simulated PVE clusters and PBS servers) on loopback and run SelfHostSync against it") { once, state };
        command.SetAction(async (parse, ct) =>
        {
            var configDir = Path.Combine(AppContext.BaseDirectory, "config");
            var scenario = LabScenario.Load(Path.Combine(configDir, "demo-lab.json"));
            await using var lab = await LabHost.StartAsync(scenario, time.GetUtcNow(), ct);
            var stateDir = parse.GetValue(state) ?? Path.Combine(Path.GetTempPath(), $"selfhostsync-demo-{Environment.ProcessId}");
            Directory.CreateDirectory(stateDir);
            var configPath = WriteConfig(Path.Combine(configDir, "demo-appsettings.json"), stateDir, lab);

            return await Commands.WithConfig(configPath, time, async (config, log) =>
            {
                using var runner = new SyncRunner(config, time, log);
                var console = AnsiConsole.Console;
                console.MarkupLine($"[bold]SelfHostSync demo[/]: lab with {lab.Clusters.Count} clusters and {lab.BackupServers.Count} backup servers on 127.0.0.1");
                RunReport? report = null;
                await console.Status().StartAsync("collecting…", async status =>
                {
                    var progress = new Progress<SyncProgress>(p => status.Status($"{p.Stage} {p.Done}/{p.Total}"));
                    report = await runner.RunAsync(dryRun: false, progress, ct);
                });
                MatrixRenderer.Render(console, report!);
                if (parse.GetValue(once))
                {
                    return ExitCodes.Ok;
                }

                console.MarkupLine("The lab keeps running until Ctrl-C. Try, in another terminal:");
                console.MarkupLine($"  [grey]dotnet run --project src/SelfHostSync -- explain homelab/121 --config {Markup.Escape(configPath)}[/]");
                foreach (var c in lab.Clusters)
                {
                    console.MarkupLine($"  PVE {Markup.Escape(c.Name)}: {c.Server.Url} (fingerprint {c.Server.Fingerprint[..23]}…)");
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    console.MarkupLine("stopped");
                }

                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static string WriteConfig(string templatePath, string stateDir, LabHost lab)
    {
        var text = File.ReadAllText(templatePath).Replace("{{state}}", Escape(stateDir), StringComparison.Ordinal);
        foreach (var c in lab.Clusters)
        {
            text = text.Replace($"{{{{{c.Name}.url}}}}", c.Server.Url.ToString().TrimEnd('/'), StringComparison.Ordinal)
                .Replace($"{{{{{c.Name}.fingerprint}}}}", c.Server.Fingerprint, StringComparison.Ordinal);
        }

        foreach (var b in lab.BackupServers)
        {
            text = text.Replace($"{{{{{b.Name}.url}}}}", b.Server.Url.ToString().TrimEnd('/'), StringComparison.Ordinal)
                .Replace($"{{{{{b.Name}.fingerprint}}}}", b.Server.Fingerprint, StringComparison.Ordinal);
        }

        var path = Path.Combine(stateDir, "appsettings.json");
        File.WriteAllText(path, text);
        return path;
    }

    private static string Escape(string value) => JsonEncodedText.Encode(value).ToString();
}
