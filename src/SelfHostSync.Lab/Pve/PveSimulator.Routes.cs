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

        api.MapGet("/cluster/resources", (HttpContext ctx, string? type) =>
        {
            if (type is not null and not "vm")
            {
                LabResults.Error(ctx, 400, "parameter verification failed");
                return Results.Empty;
            }

            var canAudit = Has(ctx, "VM.Audit");
            lock (_gate)
            {
                return LabResults.Data(!canAudit ? [] : Guests.Values.OrderBy(g => g.Vmid).Select(ResourceRow).ToList());
            }
        });

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

        api.MapGet("/storage", (HttpContext ctx) => !Need(ctx, "Datastore.Audit", "/storage") ? Results.Empty : LabResults.Data(_spec.Storages.Select(StorageRow)));

        api.MapGet("/nodes/{node}/storage/{storage}/content", (HttpContext ctx, string node, string storage, string? content, int? vmid) =>
        {
            var spec = _spec.Storages.FirstOrDefault(s => s.Storage == storage);
            if (spec is null || !_spec.Nodes.Contains(node))
            {
                LabResults.Error(ctx, 500, $"storage '{storage}' does not exist");
                return Results.Empty;
            }

            var items = ContentOf(spec, content);
            if (vmid is not null)
            {
                items = items.OfType<Dictionary<string, object?>>().Where(i => Equals(i["vmid"], vmid.Value)).Cast<object>().ToList();
            }

            return !Need(ctx, "Datastore.Audit", $"/storage/{storage}") ? Results.Empty : LabResults.Data(items);
        });

        api.MapGet("/nodes/{node}/tasks", (HttpContext ctx, string node, int? limit, long? since, string? typefilter, string? source) =>
        {
            if (!_spec.Nodes.Contains(node))
            {
                LabResults.Error(ctx, 500, $"no such node '{node}'");
                return Results.Empty;
            }

            if (!Need(ctx, "Sys.Audit", $"/nodes/{node}"))
            {
                return Results.Empty;
            }

            if (source == "active")
            {
                return LabResults.Data(_live.Values.Where(t => t.Node == node && t.ExitStatus is null && (typefilter is null || t.Type == typefilter))
                    .Select(t => new { upid = t.Upid, node = t.Node, type = t.Type, id = t.Id, user = t.User, starttime = t.StartTime, status = "RUNNING" }));
            }

            var tasks = _tasks.Where(t => t.Node == node && (since is null || t.StartTime >= since) && (typefilter is null || t.Type == typefilter))
                .OrderByDescending(t => t.StartTime)
                .Take(limit is null or 0 ? 50 : limit.Value)
                .Select(t => new
                {
                    upid = t.Upid, node = t.Node, pid = int.Parse(t.Upid.Split(':')[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    pstart = long.Parse(t.Upid.Split(':')[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    type = t.Type, id = t.Id, user = t.User, starttime = t.StartTime, endtime = t.EndTime, status = t.Status,
                });
            return LabResults.Data(tasks);
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

    private static bool Has(HttpContext ctx, string privilege)
    {
        var token = (TokenSpec)ctx.Items["token"]!;
        return token.Privileges.Contains(privilege, StringComparer.Ordinal) || token.Privileges.Contains("Administrator", StringComparer.Ordinal);
    }

    private static bool Need(HttpContext ctx, string privilege, string path) =>
        LabAuth.Require(ctx, (TokenSpec)ctx.Items["token"]!, privilege, path);

    private object ResourceRow(PveGuestState g)
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

        if (g.Pool is not null)
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
