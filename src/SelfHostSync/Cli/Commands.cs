using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SelfHostSync.Composition;
using SelfHostSync.Configuration;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Output;
using SelfHostSync.Passes;
using Serilog;
using Spectre.Console;

namespace SelfHostSync.Cli;

/// <summary>The command line of DESIGN §6.</summary>
internal static class Commands
{
    public static readonly Option<string?> Config = new("--config")
    {
        Description = "Path to appsettings.json (default: $SELFHOSTSYNC_CONFIG, /etc/selfhostsync/appsettings.json, ./appsettings.json)",
    };

    public static RootCommand Build(TimeProvider time)
    {
        var root = new RootCommand("SelfHostSync: responsibility levels and backup discipline for Proxmox guests, written back as tags.");
        root.Subcommands.Add(Sync(time));
        root.Subcommands.Add(Explain(time));
        root.Subcommands.Add(DaemonCommands.Run(time));
        root.Subcommands.Add(DaemonCommands.Resync(time));
        root.Subcommands.Add(StateCommands.Status(time));
        root.Subcommands.Add(StateCommands.RestoreTest(time));
        root.Subcommands.Add(ReportCommand.Build(time));
        root.Subcommands.Add(DoctorCommand.Build(time));
        root.Subcommands.Add(DrillCommand.Build(time));
        root.Subcommands.Add(DemoCommand.Build(time));
        root.Subcommands.Add(LabCommand.Build(time));
        root.Subcommands.Add(InitCommand.Build(time));
        root.Subcommands.Add(ManPage.Build(root));
        return root;
    }

    private static Command Sync(TimeProvider time)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan only: read everything, write nothing" };
        var json = new Option<bool>("--json") { Description = "Print only the run report as JSON on stdout" };
        var reread = new Option<bool>("--reread")
        {
            Description = "Read guest configs, backup jobs, storages and job lists afresh instead of using what earlier passes kept",
        };
        var command = new Command("sync", "Run one pass now and print the plan/result") { Config, dryRun, json, reread };
        command.SetAction(
            async (parse, ct) =>
            {
                var asJson = parse.GetValue(json);
                return await WithConfig(
                    parse.GetValue(Config),
                    time,
                    async (config, log, services) =>
                    {
                        var report = await services.GetRequiredService<PassRunner>().RunAsync(parse.GetValue(dryRun), null, ct);
                        if (asJson)
                        {
                            Console.Out.WriteLine(JsonSerializer.Serialize(report, ReportJson.Options));
                        }
                        else
                        {
                            MatrixRenderer.Render(AnsiConsole.Console, report);
                        }

                        return PassRunner.ExitCodeOf(report);
                    },
                    new PassOptions(RecallReads: !parse.GetValue(reread))
                );
            }
        );
        return command;
    }

    private static Command Explain(TimeProvider time)
    {
        var guest = new Argument<string>("guest") { Description = "<cluster>/<vmid>" };
        var live = new Option<bool>("--live") { Description = "Read Proxmox now (a dry-run pass) instead of the last finished run" };
        var command = new Command("explain", "Show a guest's level reasons, every check with its evidence, and current vs desired tags")
        {
            guest,
            live,
            Config,
        };
        command.SetAction(
            async (parse, ct) =>
            {
                var text = parse.GetValue(guest);
                if (!GuestKey.TryParse(text, out var key))
                {
                    Console.Error.WriteLine($"explain: '{text}' is not <cluster>/<vmid>");
                    return ExitCodes.UnknownGuest;
                }

                return await WithConfig(parse.GetValue(Config), time, async (config, log, services) =>
                {
                    var (report, fromStore) = await services.GetRequiredService<ReportSource>().ForGuestAsync(key, parse.GetValue(live), ct);
                    if (fromStore)
                    {
                        AnsiConsole.MarkupLine(
                            $"[grey]as of run {Markup.Escape(report.RunId[..8])}, {Markup.Escape(Core.Text.Durations.Format(time.GetUtcNow() - report.FinishedAt))} ago (--live reads Proxmox now)[/]"
                        );
                    }

                    var g = report.Guests.FirstOrDefault(x => x.Cluster == key.Cluster && x.Vmid == key.Vmid);
                    if (g is null)
                    {
                        var skipped = report.Skipped.FirstOrDefault(s => s.Cluster == key.Cluster && s.Vmid == key.Vmid);
                        Console.Error.WriteLine(
                            skipped is null
                                ? $"explain: no guest {key} (known clusters: {string.Join(", ", config.ClusterNames)})"
                                : $"explain: {key} is a {skipped.Reason}: skipped, never tagged"
                        );
                        return skipped is null ? ExitCodes.UnknownGuest : ExitCodes.Ok;
                    }

                    Print(g, time.GetUtcNow());
                    return ExitCodes.Ok;
                });
            }
        );
        return command;
    }

    private static void Print(GuestReport g, DateTimeOffset now)
    {
        var console = AnsiConsole.Console;
        console.MarkupLine(
            $"[bold]{Markup.Escape(g.Cluster)}/{g.Vmid}[/] {Markup.Escape(g.Name ?? string.Empty)} ({g.Type} on {Markup.Escape(g.Node)})"
        );
        console.MarkupLine($"level [bold]{g.Level.ToCode()}[/]{(g.LevelCertain ? string.Empty : " (uncertain: level tags left as they are)")}");
        foreach (var r in g.LevelReasons)
        {
            console.MarkupLine($"  because {Markup.Escape(r)}");
        }

        var table = new Table().AddColumns("check", "status", "evidence");
        foreach (var c in g.Checks)
        {
            table.AddRow(Markup.Escape(c.Id), c.Status.ToCode(), Markup.Escape(c.Detail));
        }

        console.Write(table);
        console.MarkupLine(
            g.ProvenRestorePoint is { } proven
                ? $"proven restore point: {Markup.Escape(proven.Archive)}, taken {Markup.Escape(Core.Text.Durations.Format(proven.AgeAt(now)))} ago, restored by {proven.How} {Markup.Escape(Core.Text.Durations.Format(now - proven.ProvenAt))} ago"
                : "proven restore point: none (no backup of this guest is known to restore)"
        );
        console.MarkupLine($"tags now:     {Markup.Escape(string.Join(';', g.TagsBefore))}");
        console.MarkupLine($"tags desired: {Markup.Escape(string.Join(';', g.TagsAfter))}");
    }

    /// <summary>
    /// Loads configuration and logging and builds the command's services (<see cref="SelfHostSyncServices"/>); bad
    /// configuration is exit 78 with one line per problem.
    /// </summary>
    internal static async Task<int> WithConfig(
        string? path,
        TimeProvider time,
        Func<AppConfig, ILogger, IServiceProvider, Task<int>> run,
        PassOptions? passes = null
    )
    {
        AppConfig config;
        try
        {
            config = ConfigLoader.Load(path);
        }
        catch (ConfigException ex)
        {
            foreach (var line in ex.Problems)
            {
                Console.Error.WriteLine($"config: {line}");
            }

            return ExitCodes.BadConfig;
        }

        using var log = Logging.Create(
            config.Secrets,
            Environment.GetEnvironmentVariable("SELFHOSTSYNC_DEBUG") == "1" ? Serilog.Events.LogEventLevel.Debug : config.Daemon.LogLevel,
            config.Daemon.LogFile
        );
        try
        {
            await using var services = SelfHostSyncServices.Build(config, log, time, passes);
            return await run(config, log, services);
        }
        catch (ConfigException ex)
        {
            foreach (var line in ex.Problems)
            {
                Console.Error.WriteLine($"config: {line}");
            }

            return ExitCodes.BadConfig;
        }
        catch (OperationCanceledException)
        {
            log.Warning("Cancelled");
            return ExitCodes.Failed;
        }
        catch (PassRunningException ex)
        {
            log.Error("{Refused}", ex.Message);
            return ExitCodes.Failed;
        }
        catch (Exception ex)
        {
            log.Fatal("Failed: {Error}", Output.Redaction.Redact(ex.Message, config.Secrets));
            log.Debug("{Stack}", Output.Redaction.Redact(ex.ToString(), config.Secrets));
            return ExitCodes.Failed;
        }
    }
}
