using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using Spectre.Console;

namespace SelfHostSync.Output;

/// <summary>Prints the matrix of a run: per level, every guest with its failing checks and tag changes.</summary>
internal static class MatrixRenderer
{
    public static void Render(IAnsiConsole console, RunReport report)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title($"[bold]SelfHostSync[/] run {Markup.Escape(report.RunId[..8])}{(report.DryRun ? " (dry run)" : string.Empty)}");
        table.AddColumn("Level");
        table.AddColumn("Guest");
        table.AddColumn("Failing checks");
        table.AddColumn("Tags");
        foreach (var g in report.Guests.OrderByDescending(g => g.Level).ThenBy(g => g.Cluster, StringComparer.Ordinal).ThenBy(g => g.Vmid))
        {
            var failing = g
                .Checks.Where(c => c.Status is CheckStatus.Fail or CheckStatus.Unknown or CheckStatus.Warn)
                .Select(c => $"{Colour(c.Status)}{Markup.Escape(c.Id)}[/]")
                .ToList();
            table.AddRow(
                new Markup($"[bold]{g.Level.ToCode()}[/]"),
                new Markup($"{Markup.Escape(g.Cluster)}/{g.Vmid} {Markup.Escape(g.Name ?? string.Empty)}"),
                new Markup(failing.Count == 0 ? "[green]all pass[/]" : string.Join(' ', failing)),
                new Markup(Markup.Escape(TagSummary(g)))
            );
        }

        foreach (var i in report.Inventory)
        {
            var failing = i.Checks.Where(c => c.Status != CheckStatus.Pass).Select(c => $"{Colour(c.Status)}{Markup.Escape(c.Id)}[/]").ToList();
            table.AddRow(
                new Markup($"[bold]{i.Level.ToCode()}[/]"),
                new Markup($"inventory {Markup.Escape(i.Name)}"),
                new Markup(failing.Count == 0 ? "[green]all pass[/]" : string.Join(' ', failing)),
                new Markup("[grey](not in Proxmox)[/]")
            );
        }

        console.Write(table);
        foreach (var s in report.Sources.Where(s => !s.Ok))
        {
            console.MarkupLine($"[red]degraded:[/] {Markup.Escape(s.Kind)}:{Markup.Escape(s.Name)}: {Markup.Escape(s.Error ?? "failed")}");
        }

        console.MarkupLine(
            $"{report.Guests.Count} guests, {report.Writes} tag writes{(report.WriteFailures > 0 ? $", [red]{report.WriteFailures} failed[/]" : string.Empty)}, {report.Skipped.Count} templates skipped, {(report.FinishedAt - report.StartedAt).TotalSeconds:0.0} s"
        );
    }

    private static string TagSummary(GuestReport g)
    {
        var added = g.TagsAfter.Except(g.TagsBefore, StringComparer.OrdinalIgnoreCase).Select(t => "+" + t);
        var removed = g.TagsBefore.Except(g.TagsAfter, StringComparer.OrdinalIgnoreCase).Select(t => "-" + t);
        var changes = added.Concat(removed).ToList();
        return changes.Count == 0 ? "unchanged" : $"{string.Join(' ', changes)} ({g.WriteStatus.ToCode()})";
    }

    private static string Colour(CheckStatus status) =>
        status switch
        {
            CheckStatus.Fail => "[red]",
            CheckStatus.Warn => "[yellow]",
            CheckStatus.Unknown => "[grey]",
            _ => "[green]",
        };
}
