using System.Globalization;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;

namespace SelfHostSync.Core.Alerts;

/// <summary>
/// Turns a run into transitions against the alerts still open: a check that starts failing opens an alert, one that
/// passes (or warns) again resolves it, and <c>unknown</c> changes nothing — a degraded pass never announces a
/// recovery it could not see, and never repeats a failure it already announced. Pure; the store keeps the open set.
/// </summary>
public static class AlertTracker
{
    public static (IReadOnlyList<AlertEvent> Events, IReadOnlyDictionary<string, OpenAlert> Open) Advance(
        IReadOnlyDictionary<string, OpenAlert> open,
        RunReport run,
        DateTimeOffset now
    )
    {
        var next = new Dictionary<string, OpenAlert>(open, StringComparer.Ordinal);
        var events = new List<AlertEvent>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        // The open alerts of each guest or inventory entry, found once: a large estate has thousands of guests and
        // thousands of open alerts, and scanning every open alert for every guest was quadratic.
        var owned = open.Keys.ToLookup(OwnerOf, StringComparer.Ordinal);

        foreach (var source in run.Sources)
        {
            var key = $"source:{source.Kind}:{source.Name}";
            seen.Add(key);
            if (!source.Ok && !next.ContainsKey(key))
            {
                var alert = new OpenAlert(key, $"{source.Kind}:{source.Name}", null, null, source.Error ?? "not readable", now);
                next[key] = alert;
                events.Add(new AlertEvent(AlertKind.SourceDegraded, alert));
            }
            else if (source.Ok && next.Remove(key, out var was))
            {
                events.Add(new AlertEvent(AlertKind.SourceRecovered, was with { Detail = "answers again" }));
            }
        }

        foreach (var g in run.Guests)
        {
            if (!g.LevelCertain)
            {
                // An uncertain level runs another level's checks: its results say nothing about this guest's alerts.
                seen.UnionWith(owned[GuestPrefix(g)]);
                continue;
            }

            var subject = string.IsNullOrEmpty(g.Name) ? $"{g.Cluster}/{g.Vmid}" : $"{g.Cluster}/{g.Vmid} {g.Name}";
            var prefix = GuestPrefix(g);
            Apply(next, events, seen, prefix, owned[prefix], subject, g.Level, g.Checks, now);
        }

        foreach (var e in run.Inventory)
        {
            var prefix = $"inventory:{e.Name}";
            Apply(next, events, seen, prefix, owned[prefix], $"inventory {e.Name}", e.Level, e.Checks, now);
        }

        // Alerts of guests that are gone: resolved, unless the cluster they lived in could not be read.
        var unreadable = run.Sources.Where(s => !s.Ok).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, alert) in next.Where(kv => kv.Key.StartsWith("guest:", StringComparison.Ordinal) && !seen.Contains(kv.Key)).ToList())
        {
            var cluster = key["guest:".Length..].Split('/')[0];
            if (!unreadable.Contains(cluster) && !run.Degraded)
            {
                next.Remove(key);
                events.Add(new AlertEvent(AlertKind.Resolved, alert with { Detail = "guest no longer exists" }));
            }
        }

        // Sources and inventory entries come from the configuration: one that is gone was removed on purpose.
        foreach (
            var (key, alert) in next.Where(kv =>
                    (kv.Key.StartsWith("inventory:", StringComparison.Ordinal) || kv.Key.StartsWith("source:", StringComparison.Ordinal))
                    && !seen.Contains(kv.Key)
                )
                .ToList()
        )
        {
            next.Remove(key);
            events.Add(
                new AlertEvent(
                    key.StartsWith("source:", StringComparison.Ordinal) ? AlertKind.SourceRecovered : AlertKind.Resolved,
                    alert with
                    {
                        Detail = "no longer configured",
                    }
                )
            );
        }

        return (events.OrderBy(e => e.Rank).ThenBy(e => e.Alert.Key, StringComparer.Ordinal).ToList(), next);
    }

    private static void Apply(
        Dictionary<string, OpenAlert> next,
        List<AlertEvent> events,
        HashSet<string> seen,
        string prefix,
        IEnumerable<string> wasOpen,
        string subject,
        Level level,
        IReadOnlyList<CheckResult> checks,
        DateTimeOffset now
    )
    {
        foreach (var c in checks)
        {
            var key = $"{prefix}:{c.Id}";
            seen.Add(key);
            switch (c.Status)
            {
                case CheckStatus.Fail when !next.ContainsKey(key):
                    var alert = new OpenAlert(key, subject, c.Id, level, c.Detail, now);
                    next[key] = alert;
                    events.Add(new AlertEvent(AlertKind.NewFailure, alert));
                    break;
                case CheckStatus.Pass or CheckStatus.Warn when next.Remove(key, out var was):
                    events.Add(new AlertEvent(AlertKind.Resolved, was with { Detail = c.Detail }));
                    break;
            }
        }

        // A check that vanished (its guest changed level) is no longer demanded: resolve it.
        foreach (var key in wasOpen.Where(k => !seen.Contains(k)))
        {
            if (checks.Count > 0 && next.Remove(key, out var gone))
            {
                seen.Add(key);
                events.Add(new AlertEvent(AlertKind.Resolved, gone with { Detail = "no longer required at this level" }));
            }
        }
    }

    private static string GuestPrefix(GuestReport g) => string.Create(CultureInfo.InvariantCulture, $"guest:{g.Cluster}/{g.Vmid}");

    /// <summary>A check alert's key is <c>{owner}:{check id}</c>; check ids have no colon.</summary>
    private static string OwnerOf(string key) => key[..Math.Max(0, key.LastIndexOf(':'))];
}
