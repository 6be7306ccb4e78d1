using System.Globalization;
using System.Net;
using System.Text;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Text;

namespace SelfHostSync.Notifications;

/// <summary>
/// The weekly summary: levels, what failed and what recovered in the period (the last run before it against the latest),
/// restore tests and drills with their RTO, the proven restore points, offsite status, the oldest untested production
/// guest. Text for ntfy, Gotify and webhooks; the same as HTML beside the text part for e-mail.
/// </summary>
internal static class SummaryMessage
{
    public static NotificationMessage Of(
        RunReport latest,
        RunReport? before,
        IReadOnlyList<RestoreTest> tests,
        IReadOnlyList<DrillRecord> drills,
        DateTimeOffset start,
        DateTimeOffset end
    )
    {
        var lines = new List<(string Heading, IReadOnlyList<string> Items)>();
        var levels = new[] { Level.Production, Level.Homelab, Level.Vps, Level.Managed, Level.Saas }.Select(l =>
        {
            var guests = latest.Guests.Count(g => g.Level == l) + latest.Inventory.Count(i => i.Level == l);
            var failing =
                latest.Guests.Count(g => g.Level == l && g.Checks.Any(c => c.Status == CheckStatus.Fail))
                + latest.Inventory.Count(i => i.Level == l && i.Checks.Any(c => c.Status == CheckStatus.Fail));
            return string.Create(CultureInfo.InvariantCulture, $"{l.ToCode()}: {guests}{(failing > 0 ? $" ({failing} failing)" : string.Empty)}");
        });
        lines.Add(("Levels", [string.Join(" · ", levels)]));

        var was = Failing(before);
        var now = Failing(latest);
        var names = latest.Guests.ToDictionary(g => $"{g.Cluster}/{g.Vmid}", g => $"{g.Cluster}/{g.Vmid} {g.Name} [{g.Level.ToCode()}]".Trim());
        string Name(string guest) => names.GetValueOrDefault(guest, guest);
        var failed = now.Where(f => !was.ContainsKey(f.Key)).OrderBy(f => f.Key.Guest, StringComparer.Ordinal).ToList();
        var recovered = was.Keys.Where(k => !now.ContainsKey(k) && names.ContainsKey(k.Guest)).OrderBy(k => k.Guest, StringComparer.Ordinal).ToList();
        lines.Add(
            (
                before is null ? $"Failing ({failed.Count}; no run before the week to compare with)" : $"Failed this week ({failed.Count})",
                [.. failed.Select(f => $"✗ {Name(f.Key.Guest)} {f.Key.Check}: {f.Value}")]
            )
        );
        lines.Add(($"Recovered this week ({recovered.Count})", [.. recovered.Select(k => $"✓ {Name(k.Guest)} {k.Check}")]));

        var weekTests = tests.Where(t => t.At >= start && t.At < end && t.Kind != RestoreTestKind.Drill).ToList();
        var weekDrills = drills
            .Where(d => d.StartedAt >= start && d.StartedAt < end && d.State != DrillState.Running)
            .OrderBy(d => d.StartedAt)
            .ToList();
        lines.Add(
            (
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Restore tests ({weekTests.Count(t => t.Passed)} passed, {weekTests.Count(t => !t.Passed)} failed) and drills ({weekDrills.Count(d => d.State == DrillState.Passed)} passed, {weekDrills.Count(d => d.State == DrillState.Failed)} failed)"
                ),
                [
                    .. weekDrills.Select(d =>
                        $"drill {Name(d.Guest.ToString())}: {d.State.ToString().ToLowerInvariant()}{(d.RtoSeconds is { } rto ? $", RTO {Durations.Format(TimeSpan.FromSeconds(Math.Round(rto)))}" : string.Empty)}{(d.State == DrillState.Passed ? string.Empty : $" ({d.Reason})")}"
                    ),
                    .. weekTests.Select(t =>
                        $"restore test {Name(t.Guest.ToString())} ({t.Kind.ToString().ToLowerInvariant()}): {(t.Passed ? "passed" : "failed")}"
                    ),
                ]
            )
        );

        var production = latest.Guests.Where(g => g.Level is Level.Production or Level.Vps).ToList();
        var proven = production.Where(g => g.ProvenRestorePoint is not null).ToList();
        lines.Add(
            (
                string.Create(CultureInfo.InvariantCulture, $"Proven restore points ({proven.Count} of {production.Count} guests at 3b and 2)"),
                [
                    .. proven
                        .OrderByDescending(g => g.ProvenRestorePoint!.AgeAt(end))
                        .Take(5)
                        .Select(g =>
                            $"{Name($"{g.Cluster}/{g.Vmid}")}: {Durations.Format(g.ProvenRestorePoint!.AgeAt(end))} old ({g.ProvenRestorePoint.Archive})"
                        ),
                ]
            )
        );

        var offsite = latest.Guests.Where(g => g.Checks.Any(c => c.Id == CheckIds.OffsitePresent)).ToList();
        var noOffsite = offsite.Where(g => g.Checks.Any(c => c.Id == CheckIds.OffsitePresent && c.Status == CheckStatus.Fail)).ToList();
        lines.Add(
            (
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Offsite ({offsite.Count - noOffsite.Count} of {offsite.Count} guests with a fresh offsite copy)"
                ),
                [.. noOffsite.Select(g => $"✗ {Name($"{g.Cluster}/{g.Vmid}")}")]
            )
        );

        var untested = latest
            .Guests.Where(g => g.Level == Level.Production)
            .Select(g => (Guest: g, Test: g.Checks.FirstOrDefault(c => c.Id == CheckIds.RestoreTested)))
            .Where(x => x.Test is not null)
            .OrderBy(x => x.Test!.Status == CheckStatus.Pass ? 1 : 0)
            .ThenBy(x => x.Test!.EvidenceAt ?? DateTimeOffset.MinValue)
            .FirstOrDefault();
        if (untested.Guest is { } oldest)
        {
            lines.Add(("Oldest untested production guest", [$"{Name($"{oldest.Cluster}/{oldest.Vmid}")}: {untested.Test!.Detail}"]));
        }

        var period = string.Create(CultureInfo.InvariantCulture, $"{start.UtcDateTime:yyyy-MM-dd HH:mm} – {end.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        var text = new StringBuilder().Append("Week ").AppendLine(period);
        var html = new StringBuilder().Append("<h2>SelfHostSync weekly summary</h2><p>").Append(WebUtility.HtmlEncode(period)).Append("</p>");
        foreach (var (heading, items) in lines)
        {
            text.AppendLine().AppendLine(heading);
            html.Append("<h3>").Append(WebUtility.HtmlEncode(heading)).Append("</h3>");
            if (items.Count > 0)
            {
                html.Append("<ul>");
                foreach (var item in items)
                {
                    text.Append("  ").AppendLine(item);
                    html.Append("<li>").Append(WebUtility.HtmlEncode(item)).Append("</li>");
                }

                html.Append("</ul>");
            }
        }

        var failingNow = latest.Guests.Count(g => g.Checks.Any(c => c.Status == CheckStatus.Fail));
        return new NotificationMessage
        {
            Kind = "summary",
            RunId = latest.RunId,
            At = end,
            Title = string.Create(
                CultureInfo.InvariantCulture,
                $"SelfHostSync weekly summary: {failingNow} of {latest.Guests.Count} guests failing, {failed.Count} new, {recovered.Count} recovered"
            ),
            Text = text.ToString().TrimEnd(),
            Html = html.ToString(),
            Severity = failed.Count > 0 ? 3 : 2,
            Events =
            [
                .. failed.Select(f => new NotificationEvent(
                    "new-failure",
                    $"guest:{f.Key.Guest}:{f.Key.Check}",
                    Name(f.Key.Guest),
                    f.Key.Check,
                    null,
                    f.Value,
                    start
                )),
                .. recovered.Select(k => new NotificationEvent(
                    "resolved",
                    $"guest:{k.Guest}:{k.Check}",
                    Name(k.Guest),
                    k.Check,
                    null,
                    "recovered this week",
                    end
                )),
            ],
        };
    }

    private static Dictionary<(string Guest, string Check), string> Failing(RunReport? report) =>
        (report?.Guests ?? [])
            .SelectMany(g => g.Checks.Where(c => c.Status == CheckStatus.Fail).Select(c => (Key: ($"{g.Cluster}/{g.Vmid}", c.Id), c.Detail)))
            .ToDictionary(x => x.Key, x => x.Detail);
}
