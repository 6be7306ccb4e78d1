using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pbs;

/// <summary>
/// The token's permissions, remotes, datastore configuration, verify and sync jobs, and the task list
/// (<c>list_tasks</c>: newest first, <c>since</c> skips tasks that started before it, and without Sys.Audit on
/// /system/tasks a token sees only the job tasks its datastore privileges allow, silently).
/// </summary>
internal sealed class PbsJobRoutes(PbsServerState s)
{
    public void Map(RouteGroupBuilder api)
    {
        // PBS: path → privilege → propagate (a boolean, where PVE sends 1/0).
        api.MapGet("/access/permissions", (HttpContext ctx) => LabResults.Data(
                (PbsAuth.Token(ctx).Privileges ?? [])
                    .GroupBy(p =>
                        p.StartsWith("Remote.", StringComparison.Ordinal) ? "/remote"
                        : p.StartsWith("Datastore.", StringComparison.Ordinal) ? "/datastore"
                        : "/"
                    )
                    .ToDictionary(g => g.Key, g => g.ToDictionary(p => p, _ => true, StringComparer.Ordinal), StringComparer.Ordinal)
            ));

        api.MapGet("/config/remote", (HttpContext ctx) => LabResults.Data(
                !PbsAuth.Has(ctx, "Remote.Audit")
                    ? []
                    : s
                        .Spec.Remotes.Select(r =>
                            s.Peers(r.Server) is { } peer
                                ? new Dictionary<string, object>(StringComparer.Ordinal)
                                {
                                    ["name"] = r.Name,
                                    ["host"] = peer.Server.Url.Host,
                                    ["port"] = peer.Server.Url.Port,
                                    ["auth-id"] = "sync@pbs",
                                }
                                : throw new InvalidOperationException($"remote {r.Name}: no Lab PBS named {r.Server}")
                        )
                        .ToList()
            ));

        api.MapGet("/config/datastore", (HttpContext ctx) => LabResults.Data(
                s.Spec.Datastores.Where(_ => PbsAuth.Has(ctx, "Datastore.Audit"))
                    .Select(d =>
                    {
                        var row = new Dictionary<string, object>(StringComparer.Ordinal) { ["name"] = d.Name, ["path"] = $"/mnt/datastore/{d.Name}" };
                        if (d.VerifyNew)
                        {
                            row["verify-new"] = true;
                        }

                        return row;
                    })
            ));

        api.MapGet("/admin/verify", (HttpContext ctx, string? store) =>
            LabResults.Data(
                s.Spec.VerifyJobs.Where(j =>
                        (store is null || j.Store == store) && (PbsAuth.Has(ctx, "Datastore.Audit") || PbsAuth.Has(ctx, "Datastore.Verify"))
                    )
                    .Select(JobRow)
            )
        );

        api.MapGet("/admin/sync", (HttpContext ctx, string? store, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "sync-direction")] string? direction) =>
        {
            if (direction is not null && (!s.Spec.PushSync || direction is not ("push" or "pull" or "all")))
            {
                // proxmox-schema ParameterError on the query string of a PBS before 3.3 (with the period).
                LabResults.Error(ctx, 400, "parameter verification failed - 'sync-direction': schema does not allow additional properties.");
                return Results.Empty;
            }

            var want = direction ?? "pull";

            // Listed only with Datastore.Audit on the local store and Remote.Audit on the remote: silently.
            return LabResults.Data(
                s.Spec.SyncJobs.Where(j => (store is null || j.Store == store) && (want == "all" || j.Direction == want))
                    .Where(j => PbsAuth.Has(ctx, "Datastore.Audit") && (j.Remote is null || PbsAuth.Has(ctx, "Remote.Audit")))
                    .Select(j => SyncRow(j, s.Spec.PushSync))
            );
        });

        api.MapGet("/nodes/{node}/tasks", (HttpContext ctx, string node, long? since, string? typefilter, int? limit) =>
        {
            var tasks = s.TasksNewestFirst;

            var listed = new List<object>();
            foreach (var t in tasks)
            {
                if (since is { } from && t.End is { } end && end < from)
                {
                    break;
                }

                if (
                    (since is { } after && t.Start < after)
                    || !MayList(ctx, t)
                    || (typefilter is not null && !t.Type.Contains(typefilter, StringComparison.Ordinal))
                )
                {
                    continue;
                }

                listed.Add(TaskRow(t));
                // PBS lists 50 unless told otherwise; 0 means all.
                if ((limit ?? 50) is > 0 and var most && listed.Count >= most)
                {
                    break;
                }
            }

            return LabResults.Data(listed);
        });
    }

    private Dictionary<string, object?> JobRow(PbsJobSpec j)
    {
        var end = (s.Now - TimeSpan.FromHours(j.LastRunAgeHours)).ToUnixTimeSeconds();
        var upid = $"UPID:pbs:0000A1B2:0012C3D4:00000000:{end:X8}:job:{j.Id}:root@pam:";
        var row = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = j.Id,
            ["store"] = j.Store,
            ["schedule"] = j.Schedule,
            ["next-run"] = end + 86400,
        };

        // Running (or never run): no state and no end time; a running job shows its UPID only.
        if (j.LastRunState is not null)
        {
            row["last-run-state"] = j.LastRunState;
            row["last-run-endtime"] = end;
        }

        row["last-run-upid"] = upid;
        if (j.Ns is not null)
        {
            row["ns"] = j.Ns;
        }

        if (j.MaxDepth is not null)
        {
            row["max-depth"] = j.MaxDepth;
        }

        return row;
    }

    private Dictionary<string, object?> SyncRow(PbsJobSpec j, bool pushSupported)
    {
        var row = JobRow(j);
        if (j.Remote is not null)
        {
            row["remote"] = j.Remote;
        }

        row["remote-store"] = j.RemoteStore ?? j.Store;
        if (j.RemoteNs is not null)
        {
            row["remote-ns"] = j.RemoteNs;
        }

        // Absent means pull; PBS writes it only when set.
        if (pushSupported && j.Direction != "pull")
        {
            row["sync-direction"] = j.Direction;
        }

        return row;
    }

    private static bool MayList(HttpContext ctx, PbsTask task) =>
        PbsAuth.Has(ctx, "Sys.Audit")
        || (task.Type == "verificationjob" && PbsAuth.Has(ctx, "Datastore.Verify"))
        || (task.Type is "prune" or "prunejob" or "garbage_collection" && PbsAuth.Has(ctx, "Datastore.Modify"));

    private static Dictionary<string, object?> TaskRow(PbsTask t)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["upid"] = t.Upid,
            ["node"] = "pbs",
            ["pid"] = 0xA1B2,
            ["pstart"] = 0x12C3D4,
            ["starttime"] = t.Start,
            ["worker_type"] = t.Type,
            ["worker_id"] = t.WorkerId,
            ["user"] = "root@pam",
        };
        if (t.End is { } end)
        {
            row["endtime"] = end;
            row["status"] = t.Status;
        }

        return row;
    }
}
