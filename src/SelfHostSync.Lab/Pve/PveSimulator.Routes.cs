using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

public sealed partial class PveSimulator
{
    private void Map(WebApplication app, LabServer server)
    {
        var api = app.MapGroup("/api2/json").RequireToken(_spec.Tokens, "PVEAPIToken", '=', server.Faults, Tickets, "PVEAuthCookie");
        api.MapTicketLogin(Tickets);
        MapCluster(api);
        MapDrills(api);
        MapNetwork(api);
        MapStorageStatus(api);

        api.MapGet("/cluster/resources", Resources);

        api.MapGet("/nodes", () => LabResults.Data(_spec.Nodes.Select(n => new
        {
            node = n,
            status = _spec.OfflineNodes.Contains(n) ? "offline" : "online",
            type = "node",
        })));

        api.MapGet("/nodes/{node}/{type}/{vmid:int}/config", (HttpContext ctx, string node, string type, int vmid) =>
        {
            lock (_gate)
            {
                if (!Find(ctx, node, type, vmid, out var guest) || !Need(ctx, "VM.Audit", $"/vms/{vmid}"))
                {
                    return Results.Empty;
                }

                return LabResults.Data(guest!.ToApi());
            }
        });

        api.MapPut("/nodes/{node}/{type}/{vmid:int}/config", async (HttpContext ctx, string node, string type, int vmid) =>
        {
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
            BeforeNextWrite?.Invoke();
            BeforeNextWrite = null;
            if (_beforeWriteTo is { } hook && hook.Vmid == vmid)
            {
                _beforeWriteTo = null;
                hook.Action();
            }

            lock (_gate)
            {
                if (!Find(ctx, node, type, vmid, out var guest) || !Need(ctx, "VM.Config.Options", $"/vms/{vmid}"))
                {
                    return Results.Empty;
                }

                return guest!.Restored ? WriteRestoredConfig(ctx, guest, fields) : WriteConfig(ctx, guest, fields);
            }
        });

        api.MapGet("/cluster/backup", (HttpContext ctx) => !Need(ctx, "Sys.Audit", "/") ? Results.Empty : LabResults.Data(_spec.BackupJobs.Select(JobRow)));

        // Only storages with Datastore.Audit or Datastore.AllocateSpace on /storage/<sid>, silently.
        api.MapGet("/storage", (HttpContext ctx) => LabResults.Data(_spec.Storages.Where(s => CanSeeStorage(ctx, s.Storage)).Select(StorageRow)));

        api.MapGet("/nodes/{node}/storage/{storage}/content", (HttpContext ctx, string node, string storage, string? content, int? vmid) =>
        {
            var spec = _spec.Storages.FirstOrDefault(s => s.Storage == storage);
            if (spec is null || !_spec.Nodes.Contains(node))
            {
                LabResults.Error(ctx, 500, $"storage '{storage}' does not exist");
                return Results.Empty;
            }

            if (!CanSeeStorage(ctx, storage))
            {
                LabResults.Error(ctx, 403, $"Permission check failed (/storage/{storage}, Datastore.Audit|Datastore.AllocateSpace)");
                return Results.Empty;
            }

            if (spec.Nodes is not null && !spec.Nodes.Split(',').Contains(node))
            {
                LabResults.Error(ctx, 500, $"storage '{storage}' is not available on node '{node}'");
                return Results.Empty;
            }

            if (spec.Offline)
            {
                LabResults.Error(ctx, 500, $"storage '{storage}' is not online");
                return Results.Empty;
            }

            // Content.pm: every item passes check_volume_access or is dropped, silently.
            var items = ContentOf(spec, node, content).OfType<Dictionary<string, object?>>()
                .Where(i => (vmid is null || Equals(i["vmid"], vmid.Value)) && MayAccessVolume(ctx, storage, (int)i["vmid"]!))
                .Cast<object>()
                .ToList();
            return LabResults.Data(items);
        });

        api.MapGet("/nodes/{node}/tasks", (HttpContext ctx, string node, int? limit, long? since, string? typefilter, string? source) =>
        {
            if (!_spec.Nodes.Contains(node))
            {
                LabResults.Error(ctx, 500, $"no such node '{node}'");
                return Results.Empty;
            }

            // Tasks.pm: without Sys.Audit on /nodes/<node> only the caller's own tasks, silently; limit 0 lists nothing.
            var auth = AuthId(ctx);
            var auditor = Access.Has(auth, "Sys.Audit", $"/nodes/{node}");
            bool Visible(string user) => auditor || user == auth || (!auth.Contains('!', StringComparison.Ordinal) && user.StartsWith(auth + "!", StringComparison.Ordinal));
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
                ? _live.Values.Where(t => t.Node == node && (t.EndTime is null || t.EndTime >= archivedBefore) && Visible(t.User)
                        && (since is null || t.StartTime >= since) && (typefilter is null || t.Type == typefilter))
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
            var archived = _live.Values.Where(t => t.Node == node && t.EndTime < archivedBefore)
                .Select(t => new LabTask(t.Upid, t.Node, t.Type, t.Id, t.User, t.StartTime, t.EndTime!.Value, t.ExitStatus ?? "unknown", [.. t.Log]));
            var archive = _tasks.Where(t => t.Node == node).Concat(archived).OrderByDescending(t => t.StartTime).Take(2000);
            var tasks = archive.Where(t => Visible(t.User) && (since is null || t.StartTime >= since) && (typefilter is null || t.Type == typefilter))
                .OrderByDescending(t => t.StartTime)
                .Take(wanted - active.Count)
                .Select(t => (object)new
                {
                    upid = t.Upid, node = t.Node, pid = PidOf(t.Upid), pstart = PstartOf(t.Upid),
                    type = t.Type, id = t.Id, user = t.User, starttime = t.StartTime, endtime = t.EndTime, status = t.Status,
                });
            return LabResults.Data(active.Concat(tasks));
        });

        api.MapGet("/nodes/{node}/tasks/{upid}/log", (HttpContext ctx, string node, string upid, int? limit) =>
        {
            var log = _tasks.FirstOrDefault(t => t.Upid == upid && t.Node == node)?.Log
                ?? (_live.TryGetValue(upid, out var live) && live.Node == node ? live.Log.ToList() : null);
            if (log is null)
            {
                LabResults.Error(ctx, 500, "no such task");
                return Results.Empty;
            }

            var lines = log.Select((t, i) => new { n = i + 1, t });
            return LabResults.Data(limit is null or 0 ? lines : lines.Take(limit.Value));
        });
    }

    private bool Find(HttpContext ctx, string node, string type, int vmid, out PveGuestState? guest)
    {
        if (!Guests.TryGetValue(vmid, out guest) || guest.Type != type)
        {
            LabResults.Error(ctx, 500, string.Create(CultureInfo.InvariantCulture, $"Configuration file 'nodes/{node}/{type}-server/{vmid}.conf' does not exist"));
            return false;
        }

        if (guest.Node != node)
        {
            LabResults.Error(ctx, 500, $"no such VM ('{vmid}') on node '{node}'");
            return false;
        }

        return true;
    }

    private static string AuthId(HttpContext ctx) => ((TokenSpec)ctx.Items["token"]!).Id;

    private bool Has(HttpContext ctx, string privilege, string path) => Access.Has(AuthId(ctx), privilege, path);

    /// <summary>A fatal permission check as PVE's <c>raise_perm_exc</c>: 403 "Permission check failed (path, privilege)".</summary>
    private bool Need(HttpContext ctx, string privilege, string path)
    {
        if (Has(ctx, privilege, path))
        {
            return true;
        }

        LabResults.Error(ctx, StatusCodes.Status403Forbidden, $"Permission check failed ({path}, {privilege})");
        return false;
    }

    private bool CanSeeStorage(HttpContext ctx, string storage) =>
        Has(ctx, "Datastore.Audit", $"/storage/{storage}") || Has(ctx, "Datastore.AllocateSpace", $"/storage/{storage}");

    /// <summary>pve-storage <c>check_volume_access</c> for a backup volume listed without a target vmid.</summary>
    private bool MayAccessVolume(HttpContext ctx, string storage, int owner) =>
        Has(ctx, "Datastore.Allocate", $"/storage/{storage}")
        || (Has(ctx, "Datastore.AllocateSpace", $"/storage/{storage}") && Has(ctx, "VM.Backup", $"/vms/{owner}"));

    private object ResourceRow(PveGuestState g, bool showPool)
    {
        var offline = _spec.OfflineNodes.Contains(g.Node);
        var row = new Dictionary<string, object?>
        {
            ["id"] = $"{g.Type}/{g.Vmid}",
            ["vmid"] = g.Vmid,
            ["node"] = g.Node,
            ["type"] = g.Type,
            ["status"] = offline ? "unknown" : g.Status,
        };
        if (!offline)
        {
            row["name"] = g.Name;
            row["template"] = g.Template ? 1 : 0;
            row["maxmem"] = 4294967296L;
            row["maxcpu"] = 2;
        }

        if (g.Pool is not null && showPool)
        {
            row["pool"] = g.Pool;
        }

        if (g.Lock is not null)
        {
            row["lock"] = g.Lock;
        }

        if (g.Tags is not null)
        {
            row["tags"] = g.Tags;
        }

        if (g.HaState is not null)
        {
            row["hastate"] = g.HaState;
        }

        return row;
    }

    /// <summary>An active-list task as Tasks.pm answers it (its UPID decoded): end time and status once it ended, RUNNING before.</summary>
    private static object ActiveRow(LiveTask t)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["upid"] = t.Upid, ["node"] = t.Node, ["type"] = t.Type, ["id"] = t.Id, ["user"] = t.User, ["starttime"] = t.StartTime,
            ["pid"] = PidOf(t.Upid), ["pstart"] = PstartOf(t.Upid),
            ["status"] = t.ExitStatus ?? "RUNNING",
        };
        if (t.EndTime is { } end)
        {
            row["endtime"] = end;
        }

        return row;
    }

    /// <summary>Tasks.pm lists a task with its UPID decoded: <c>UPID:node:pid:pstart:starttime:…</c>, hexadecimal.</summary>
    private static int PidOf(string upid) => int.Parse(upid.Split(':')[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static long PstartOf(string upid) => long.Parse(upid.Split(':')[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static object JobRow(JobSpec j)
    {
        var row = new Dictionary<string, object?>
        {
            ["id"] = j.Id, ["type"] = "vzdump", ["enabled"] = j.Enabled ? 1 : 0, ["schedule"] = j.Schedule,
            ["storage"] = j.Storage, ["mode"] = "snapshot", ["compress"] = "zstd",
        };
        if (j.All)
        {
            row["all"] = 1;
        }

        if (j.Exclude is not null)
        {
            row["exclude"] = j.Exclude;
        }

        if (j.Vmid is not null)
        {
            row["vmid"] = j.Vmid;
        }

        if (j.Pool is not null)
        {
            row["pool"] = j.Pool;
        }

        if (j.Node is not null)
        {
            row["node"] = j.Node;
        }

        return row;
    }

    private object StorageRow(StorageSpec s)
    {
        var row = new Dictionary<string, object?> { ["storage"] = s.Storage, ["type"] = s.Type, ["content"] = s.Content, ["digest"] = "0000000000000000000000000000000000000000" };
        if (s.Shared)
        {
            row["shared"] = 1;
        }

        if (s.Nodes is not null)
        {
            row["nodes"] = s.Nodes;
        }

        if (s.Type == "pbs")
        {
            var url = s.BackupServer is null ? null : _backupServer(s.BackupServer)?.Server.Url;
            row["server"] = url?.Host ?? s.Server;
            row["port"] = url?.Port ?? 8007;
            row["datastore"] = s.Datastore;
            row["username"] = "pve-backup@pbs";
            if (!string.IsNullOrEmpty(s.Namespace))
            {
                row["namespace"] = s.Namespace;
            }
        }

        if (s.Type == "nfs")
        {
            row["server"] = s.Server;
            row["export"] = s.Export;
            row["path"] = $"/mnt/pve/{s.Storage}";
        }

        if (s.Type == "cifs")
        {
            row["server"] = s.Server;
            row["share"] = s.Share;
            row["path"] = $"/mnt/pve/{s.Storage}";
        }

        return row;
    }

    [GeneratedRegex(@"^[a-z0-9_][a-z0-9_\-+.]*$", RegexOptions.IgnoreCase)]
    private static partial Regex TagPattern();
}
