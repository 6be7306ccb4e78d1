using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Drills;
using SelfHostSync.Output;
using SelfHostSync.Passes;
using SelfHostSync.State;
using Spectre.Console;

namespace SelfHostSync.Cli;

/// <summary><c>drill [&lt;cluster&gt;/&lt;vmid&gt;] [--dry-run] [--json]</c>: one restore drill now.</summary>
internal static class DrillCommand
{
    public static Command Build(TimeProvider time)
    {
        var guest = new Argument<string?>("guest")
        {
            Description = "<cluster>/<vmid> (default: the guest whose last successful restore test is oldest)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (guest, newest backup, scratch VMID); change nothing" };
        var json = new Option<bool>("--json") { Description = "Print the plan and results as JSON on stdout" };
        var command = new Command(
            "drill",
            "Run one restore drill now: restore the newest backup into the scratch range, boot it isolated, probe it, destroy it"
        )
        {
            guest,
            dryRun,
            json,
            Commands.Config,
        };
        command.SetAction(
            async (parse, ct) =>
            {
                GuestKey? key = null;
                if (parse.GetValue(guest) is { } text)
                {
                    if (!GuestKey.TryParse(text, out var k))
                    {
                        Console.Error.WriteLine($"drill: '{text}' is not <cluster>/<vmid>");
                        return ExitCodes.Failed;
                    }

                    key = k;
                }

                return await Commands.WithConfig(parse.GetValue(Commands.Config), time, async (config, log, services) =>
                {
                    if (config.Drills is null)
                    {
                        Console.Error.WriteLine("config: RestoreDrills is not configured (Cluster, Node, TargetStorage and VmidRange are required)");
                        return ExitCodes.BadConfig;
                    }

                    // An explicit guest needs no report; otherwise, without a pass yet, a dry run tells every guest's level.
                    var report = key is null
                        ? await services.GetRequiredService<ReportSource>().LatestAsync(ct)
                        : await services.GetRequiredService<RunStore>().LastRunAsync(ct);
                    var service = services.GetRequiredService<DrillService>();
                    try
                    {
                        using var held = service.TryLock()
                            ?? throw new DrillRefusedException(
                                "another SelfHostSync process (the daemon?) is running a drill or its sweep; try again when it has finished"
                            );
                        if (!parse.GetValue(dryRun))
                        {
                            await service.SweepAsync(ct);
                        }

                        var plan = await service.PlanAsync(key, report, ct);
                        if (parse.GetValue(dryRun))
                        {
                            Print(plan, [], parse.GetValue(json), service.Settings);
                            return plan.Items.Count > 0 ? ExitCodes.Ok : ExitCodes.Failed;
                        }

                        if (plan.Items.Count == 0)
                        {
                            throw new DrillRefusedException($"nothing to drill: {string.Join("; ", plan.Skipped)}");
                        }

                        var results = await service.RunAsync(plan, ct);
                        Print(plan, results, parse.GetValue(json), service.Settings);
                        // A recorded failure wins (exit 4); then anything that kept a drill from finishing or a scratch guest left behind (1).
                        return results.Any(r => r.State == DrillState.Failed) ? ExitCodes.DrillFailed
                            : results.Any(r => r.State is DrillState.Error or DrillState.Aborted || !r.CleanedUp) ? ExitCodes.Failed
                            : ExitCodes.Ok;
                    }
                    catch (DrillRefusedException ex)
                    {
                        Console.Error.WriteLine($"drill: {ex.Message}");
                        return ExitCodes.Failed;
                    }
                });
            }
        );
        return command;
    }

    private static void Print(DrillPlan plan, IReadOnlyList<DrillRecord> results, bool asJson, DrillSettings settings)
    {
        if (asJson)
        {
            var body = new
            {
                plan = plan.Items.Select(i => new
                {
                    guest = i.Candidate.Key.ToString(),
                    name = i.Source.Name,
                    type = i.Source.Type,
                    archive = i.Archive.Volid,
                    backupTime = i.Archive.Time,
                    scratchVmid = i.ScratchVmid,
                    scratchName = i.ScratchName,
                    node = settings.Node,
                    targetStorage = settings.TargetStorage,
                    isolation = settings.Isolation.ToString(),
                    probe = i.Source.Type == "lxc" ? "running" : settings.Probe.ToString().ToLowerInvariant(),
                }),
                skipped = plan.Skipped,
                leftovers = plan.Leftovers.Select(g => g.Vmid),
                drills = results.Select(r => new
                {
                    id = r.Id,
                    guest = r.Guest.ToString(),
                    scratchVmid = r.ScratchVmid,
                    archive = r.Archive,
                    state = r.State,
                    phase = r.Phase,
                    restoreSeconds = r.RestoreSeconds,
                    bootSeconds = r.BootSeconds,
                    rtoSeconds = r.RtoSeconds,
                    reason = r.Reason,
                    probes = r.Probes,
                    cleanedUp = r.CleanedUp,
                    failedInRow = r.FailedInRow,
                    startedAt = r.StartedAt,
                    finishedAt = r.FinishedAt,
                }),
            };
            Console.Out.WriteLine(JsonSerializer.Serialize(body, ReportJson.Options));
            return;
        }

        var console = AnsiConsole.Console;
        foreach (var i in plan.Items)
        {
            console.MarkupLine(
                $"[bold]{Markup.Escape(i.Candidate.Key.ToString())}[/] {Markup.Escape(i.Source.Name ?? string.Empty)}: restore [bold]{Markup.Escape(i.Archive.Volid)}[/] ({i.Archive.Time:u}) into {settings.Node}/{i.ScratchVmid} '{Markup.Escape(i.ScratchName)}' on {Markup.Escape(settings.TargetStorage)}, isolation {Markup.Escape(settings.Isolation.ToString())}"
            );
        }

        foreach (var s in plan.Skipped)
        {
            console.MarkupLine($"[grey]passed over: {Markup.Escape(s)}[/]");
        }

        foreach (var r in results)
        {
            var colour =
                r.State == DrillState.Passed ? "green"
                : r.State == DrillState.Failed ? "red"
                : "yellow";
            console.MarkupLine(
                $"[{colour}]{r.State.ToString().ToLowerInvariant()}[/] {Markup.Escape(r.Guest.ToString())}: restore {r.RestoreSeconds?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) ?? "–"} s, boot-to-probe {r.BootSeconds?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) ?? "–"} s; {Markup.Escape(r.Reason ?? string.Empty)}{(r.ProbeSummary is { } probes ? Markup.Escape($"; {probes}") : string.Empty)}{(r.FailedInRow is > 1 and var row ? $" [red]({row} failed in a row)[/]" : string.Empty)}{(r.CleanedUp ? string.Empty : " [red](scratch guest left behind)[/]")}"
            );
        }
    }
}
