using System.Globalization;
using SelfHostSync.Core.Text;
using SelfHostSync.State;

namespace SelfHostSync.Dashboard;

/// <summary>Webhook calls on the dashboard: when PVE or PBS told the daemon about a job, and what it triggered.</summary>
internal static class HookSection
{
    public static void Render(Html h, IReadOnlyList<HookEvent> hooks, DateTimeOffset now)
    {
        if (hooks.Count == 0)
        {
            return;
        }

        h.Raw("<section id=\"hooks\"><h2>Webhook events</h2><table><thead><tr>")
            .Raw("<th>When</th><th>From</th><th>Notification</th><th>Guests</th><th>Triggered</th></tr></thead><tbody>");
        foreach (var e in hooks)
        {
            h.Raw("<tr>");
            h.Element("td", $"{Durations.Format(now - e.At)} ago");
            h.Element("td", $"{e.Source} {e.Host}".Trim());
            h.Element("td", string.Join(" · ", new[] { e.Type, e.Datastore, e.Severity, e.Title }.Where(t => !string.IsNullOrEmpty(t))));
            h.Element("td", string.Join(", ", e.Guests.Select(g => g.ToString(CultureInfo.InvariantCulture))));
            h.Element("td", e.RunId is null ? e.Outcome : $"pass {e.RunId}");
            h.Raw("</tr>");
        }

        h.Raw("</tbody></table></section>");
    }
}
