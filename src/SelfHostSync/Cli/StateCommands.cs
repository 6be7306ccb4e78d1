using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SelfHostSync.Control;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Output;
using SelfHostSync.Passes;
using SelfHostSync.State;
using Spectre.Console;

namespace SelfHostSync.Cli;

/// <summary><c>status</c> and <c>restore-test record</c>: read and write the state store, no Proxmox call.</summary>
internal static class StateCommands
{
    public static Command Status(TimeProvider time)
    {
        var json = new Option<bool>("--json") { Description = "Print the last run report as JSON" };
        var command = new Command("status", "The matrix of the last finished run: every guest, its level and failing checks")
        {
            Commands.Config,
            json,
        };
        command.SetAction(async (parse, ct) => await Commands.WithConfig(parse.GetValue(Commands.Config), time, async (config, log, services) =>
                {
                    var store = services.GetRequiredService<RunStore>();
                    var last = await store.LastRunAsync(ct);
                    if (last is null)
                    {
                        Console.Error.WriteLine("status: no finished run yet (start `selfhostsync run`, or run `selfhostsync sync`)");
                        return ExitCodes.Ok;
                    }

                    if (parse.GetValue(json))
                    {
                        Console.Out.WriteLine(JsonSerializer.Serialize(last, ReportJson.Options));
                    }
                    else
                    {
                        MatrixRenderer.Render(AnsiConsole.Console, last);
                        AnsiConsole.MarkupLine(Markup.Escape(ProvenSummary(last, time.GetUtcNow())));
                        var age = time.GetUtcNow() - last.FinishedAt;
                        AnsiConsole.MarkupLine(
                            $"last run finished {Markup.Escape(Core.Text.Durations.Format(age))} ago{(last.Degraded ? " [red](degraded)[/]" : string.Empty)}"
                        );
                    }

                    return ExitCodes.Ok;
                }));
        return command;
    }

    /// <summary>How many production and VPS guests have a backup known to restore, and whose proven point is oldest.</summary>
    internal static string ProvenSummary(RunReport last, DateTimeOffset now)
    {
        var guests = last.Guests.Where(g => g.Level is Level.Production or Level.Vps).ToList();
        var proven = guests.Where(g => g.ProvenRestorePoint is not null).ToList();
        var oldest = proven.MaxBy(g => g.ProvenRestorePoint!.AgeAt(now));
        return $"proven restore points: {proven.Count} of {guests.Count} guests at 3b and 2"
            + (
                oldest is null
                    ? string.Empty
                    : $"; oldest {oldest.Cluster}/{oldest.Vmid} ({Core.Text.Durations.Format(oldest.ProvenRestorePoint!.AgeAt(now))})"
            )
            + (
                proven.Count < guests.Count
                    ? $"; none for {string.Join(", ", guests.Except(proven).Take(5).Select(g => $"{g.Cluster}/{g.Vmid}"))}{(guests.Count - proven.Count > 5 ? ", …" : string.Empty)}"
                    : string.Empty
            );
    }

    public static Command RestoreTest(TimeProvider time)
    {
        var guest = new Argument<string>("guest") { Description = "<cluster>/<vmid> of the guest whose backup was restored" };
        var result = new Option<string>("--result") { Description = "passed or failed", Required = true };
        result.AcceptOnlyFromAmong("passed", "failed");
        var at = new Option<string?>("--at") { Description = "When (ISO 8601, default now)" };
        var note = new Option<string?>("--note") { Description = "What was restored and how it was checked" };
        var archive = new Option<string?>("--archive")
        {
            Description =
                "The backup restored (its volid, e.g. pbs:backup/vm/100/2026-11-25T02:00:00Z): a passed restore makes it the proven restore point",
        };
        var record = new Command("record", "Record a restore test you did by hand") { guest, result, at, note, archive, Commands.Config };
        record.SetAction(
            async (parse, ct) =>
            {
                var text = parse.GetValue(guest)!;
                if (!GuestKey.TryParse(text, out var key))
                {
                    Console.Error.WriteLine($"restore-test record: '{text}' is not <cluster>/<vmid>");
                    return ExitCodes.Failed;
                }

                DateTimeOffset? when = null;
                if (parse.GetValue(at) is { } atText)
                {
                    if (!DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                    {
                        Console.Error.WriteLine($"restore-test record: --at '{atText}' is not a date/time (e.g. 2026-11-20T14:00Z)");
                        return ExitCodes.Failed;
                    }

                    when = parsed;
                }

                return await Commands.WithConfig(parse.GetValue(Commands.Config), time, async (config, log, services) =>
                {
                    var manual = new ManualRestoreTest(
                        key.Cluster,
                        key.Vmid,
                        parse.GetValue(result),
                        when,
                        parse.GetValue(note),
                        parse.GetValue(archive)
                    );
                    if (manual.ToRestoreTest(time.GetUtcNow(), out var error) is not { } test)
                    {
                        Console.Error.WriteLine($"restore-test record: {error}");
                        return ExitCodes.Failed;
                    }

                    if (!config.ClusterNames.Contains(key.Cluster))
                    {
                        Console.Error.WriteLine(
                            $"restore-test record: no cluster '{key.Cluster}' in the configuration (known: {string.Join(", ", config.ClusterNames)})"
                        );
                        return ExitCodes.Failed;
                    }

                    var store = services.GetRequiredService<RunStore>();
                    await store.RecordRestoreTestsAsync([test], ct);
                    Console.Out.WriteLine($"recorded: {key} restore {(test.Passed ? "passed" : "failed")} at {test.At:u}; the next pass uses it");
                    return ExitCodes.Ok;
                });
            }
        );
        return new Command("restore-test", "Manual restore-test records") { record };
    }
}
