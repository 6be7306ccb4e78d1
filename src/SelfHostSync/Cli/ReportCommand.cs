using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SelfHostSync.Output;
using SelfHostSync.Passes;
using SelfHostSync.Reports;
using SelfHostSync.State;

namespace SelfHostSync.Cli;

/// <summary><c>report [--since 90d] [--format html|md|json] [--output FILE]</c>: the evidence report of the last finished run.</summary>
internal static class ReportCommand
{
    public static Command Build(TimeProvider time)
    {
        var since = new Option<string>("--since")
        {
            Description = "Restore tests and drills from this far back: 90d, 12w, 36h, or d.hh:mm:ss (default 90d)",
            DefaultValueFactory = _ => "90d",
        };
        var format = new Option<string>("--format") { Description = "html (printable page), md or json", DefaultValueFactory = _ => "html" };
        format.AcceptOnlyFromAmong("html", "md", "json");
        var output = new Option<string?>("--output") { Description = "Write to this file instead of stdout" };
        var command = new Command(
            "report",
            "The evidence report: per guest its level and why, each check's evidence, restore tests and drills with RTO"
        )
        {
            Commands.Config,
            since,
            format,
            output,
        };
        command.SetAction(
            async (parse, ct) =>
            {
                if (Period(parse.GetValue(since)) is not { } period)
                {
                    Console.Error.WriteLine($"report: --since '{parse.GetValue(since)}' is not a period (90d, 12w, 36h, or d.hh:mm:ss)");
                    return ExitCodes.Failed;
                }

                return await Commands.WithConfig(parse.GetValue(Commands.Config), time, async (config, log, services) =>
                {
                    var store = services.GetRequiredService<RunStore>();
                    if (await store.LastRunAsync(ct) is not { } last)
                    {
                        Console.Error.WriteLine("report: no finished run yet (start `selfhostsync run`, or run `selfhostsync sync`)");
                        return ExitCodes.Failed;
                    }

                    var now = time.GetUtcNow();
                    var report = EvidenceReport.Build(
                        last,
                        await store.LoadRestoreTestsAsync(ct),
                        await services.GetRequiredService<DrillStore>().RecentDrillsAsync(100_000, null, ct),
                        now - period,
                        now
                    );
                    var path = parse.GetValue(output);
                    if (path is null)
                    {
                        await WriteAsync(Console.Out, report, parse.GetValue(format)!, ct);
                        return ExitCodes.Ok;
                    }

                    // Written beside the target and moved over it: a reader never sees half a report.
                    var full = Path.GetFullPath(path);
                    var partial = full + ".partial";
                    await using (var file = new StreamWriter(partial, false, new UTF8Encoding(false)))
                    {
                        await WriteAsync(file, report, parse.GetValue(format)!, ct);
                    }

                    File.Move(partial, full, overwrite: true);
                    Console.Error.WriteLine($"report: wrote {full}");
                    return ExitCodes.Ok;
                });
            }
        );
        return command;
    }

    /// <summary>90d, 12w, 36h or a TimeSpan (d.hh:mm:ss); positive, at most ten years.</summary>
    internal static TimeSpan? Period(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        TimeSpan? span = text[^1] switch
        {
            'd' or 'w' or 'h' when int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 100_000 => text[
                ^1
            ] switch
            {
                'd' => TimeSpan.FromDays(n),
                'w' => TimeSpan.FromDays(7 * n),
                _ => TimeSpan.FromHours(n),
            },
            _ => TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed) ? parsed : null,
        };
        return span is { } s && s > TimeSpan.Zero && s <= TimeSpan.FromDays(3660) ? s : null;
    }

    private static Task WriteAsync(TextWriter w, EvidenceReport report, string format, CancellationToken ct) =>
        format switch
        {
            "json" => w.WriteLineAsync(JsonSerializer.Serialize(report, ReportJson.Options)),
            "md" => ReportMarkdown.WriteAsync(w, report, ct),
            _ => ReportHtml.WriteAsync(w, report, ct),
        };
}
