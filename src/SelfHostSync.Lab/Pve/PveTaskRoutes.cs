using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>Tasks as <c>Tasks.pm</c> lists them (active, then the archive, filtered by what the caller may see), their logs and status, and stopping one.</summary>
internal sealed class PveTaskRoutes(PveClusterState s)
{
    public void Map(RouteGroupBuilder api)
    {
        api.MapGet("/nodes/{node}/tasks", (HttpContext ctx, string node, int? limit, long? since, string? typefilter, string? source) =>
        {
            if (!s.Spec.Nodes.Contains(node))
            {
                LabResults.Error(ctx, 500, $"no such node '{node}'");
                return Results.Empty;
            }

            // Tasks.pm: without Sys.Audit on /nodes/<node> only the caller's own tasks, silently; limit 0 lists nothing.
            var auth = PveClusterState.AuthId(ctx);
            var auditor = s.Access.Has(auth, "Sys.Audit", $"/nodes/{node}");
            bool Visible(string user) =>
                auditor || user == auth || (!auth.Contains('!', StringComparison.Ordinal) && user.StartsWith(auth + "!", StringComparison.Ordinal));
            if (limit == 0)
            {
                return LabResults.Data(Array.Empty<object>());
            }

            // Tasks.pm: the active list holds running tasks and those that ended but are not archived yet (with their
            // real status; only a task without one is RUNNING). Here a task is archived a minute after its end.
            // source=all lists the active ones first, then the archive; the filters and the limit apply to both.
            var archivedBefore = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60;
            var wanted = limit ?? 50;
            var active = source is "active" or "all"
                ? s
                    .Live.Values.Where(t =>
                        t.Node == node
                        && (t.EndTime is null || t.EndTime >= archivedBefore)
                        && Visible(t.User)
                        && (since is null || t.StartTime >= since)
                        && (typefilter is null || t.Type == typefilter)
                    )
                    .OrderByDescending(t => t.StartTime)
                    .Take(wanted)
                    .Select(ActiveRow)
                    .ToList()
                : [];
            if (source == "active")
            {
                return LabResults.Data(active);
            }

            // The archive is two rotating files of about 1,000 tasks each: older tasks are gone, whatever their type.
            var archived = s
                .Live.Values.Where(t => t.Node == node && t.EndTime < archivedBefore)
                .Select(t => new LabTask(t.Upid, t.Node, t.Type, t.Id, t.User, t.StartTime, t.EndTime!.Value, t.ExitStatus ?? "unknown", [.. t.Log]));
            var archive = s.Tasks.Where(t => t.Node == node).Concat(archived).OrderByDescending(t => t.StartTime).Take(2000);
            var tasks = archive
                .Where(t => Visible(t.User) && (since is null || t.StartTime >= since) && (typefilter is null || t.Type == typefilter))
                .OrderByDescending(t => t.StartTime)
                .Take(wanted - active.Count)
                .Select(t =>
                    (object)
                        new
                        {
                            upid = t.Upid,
                            node = t.Node,
                            pid = PveClusterState.PidOf(t.Upid),
                            pstart = PveClusterState.PstartOf(t.Upid),
                            type = t.Type,
                            id = t.Id,
                            user = t.User,
                            starttime = t.StartTime,
                            endtime = t.EndTime,
                            status = t.Status,
                        }
                );
            return LabResults.Data(active.Concat(tasks));
        });

        api.MapGet("/nodes/{node}/tasks/{upid}/log", (HttpContext ctx, string node, string upid, int? limit) =>
        {
            var log = s.Tasks.FirstOrDefault(t => t.Upid == upid && t.Node == node)?.Log
                ?? (s.Live.TryGetValue(upid, out var live) && live.Node == node ? live.Log.ToList() : null);
            if (log is null)
            {
                LabResults.Error(ctx, 500, "no such task");
                return Results.Empty;
            }

            var lines = log.Select((t, i) => new { n = i + 1, t });
            return LabResults.Data(limit is null or 0 ? lines : lines.Take(limit.Value));
        });

        api.MapGet("/nodes/{node}/tasks/{upid}/status", (HttpContext ctx, string node, string upid) =>
        {
            if (s.Live.TryGetValue(upid, out var live) && live.Node == node)
            {
                return LabResults.Data(StatusOf(live.Upid, live.Node, live.Type, live.Id, live.User, live.StartTime, live.ExitStatus));
            }

            var done = s.Tasks.FirstOrDefault(t => t.Upid == upid && t.Node == node);
            if (done is null)
            {
                LabResults.Error(ctx, 500, "no such task");
                return Results.Empty;
            }

            return LabResults.Data(StatusOf(done.Upid, done.Node, done.Type, done.Id, done.User, done.StartTime, done.Status));
        });

        api.MapDelete("/nodes/{node}/tasks/{upid}", (HttpContext ctx, string node, string upid) =>
        {
            if (!s.Live.TryGetValue(upid, out var live) || live.Node != node)
            {
                LabResults.Error(ctx, 500, "no such task");
                return Results.Empty;
            }

            if (live.User != PveClusterState.AuthId(ctx) && !s.Need(ctx, "Sys.Modify", $"/nodes/{node}"))
            {
                return Results.Empty;
            }

            live.Stop.Cancel();
            return LabResults.Data(null);
        });
    }

    /// <summary>An active-list task as Tasks.pm answers it (its UPID decoded): end time and status once it ended, RUNNING before.</summary>
    private static object ActiveRow(LiveTask t)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["upid"] = t.Upid,
            ["node"] = t.Node,
            ["type"] = t.Type,
            ["id"] = t.Id,
            ["user"] = t.User,
            ["starttime"] = t.StartTime,
            ["pid"] = PveClusterState.PidOf(t.Upid),
            ["pstart"] = PveClusterState.PstartOf(t.Upid),
            ["status"] = t.ExitStatus ?? "RUNNING",
        };
        if (t.EndTime is { } end)
        {
            row["endtime"] = end;
        }

        return row;
    }

    private static object StatusOf(string upid, string node, string type, string id, string user, long start, string? exit)
    {
        var data = new Dictionary<string, object?>
        {
            ["upid"] = upid,
            ["node"] = node,
            ["type"] = type,
            ["id"] = id,
            ["user"] = user,
            ["starttime"] = start,
            ["pid"] = PveClusterState.PidOf(upid),
            ["pstart"] = PveClusterState.PstartOf(upid),
            ["status"] = exit is null ? "running" : "stopped",
        };
        if (exit is not null)
        {
            data["exitstatus"] = exit;
        }

        return data;
    }
}
