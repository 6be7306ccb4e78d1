using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>Datacenter-level routes: permissions, HA resources, not-backed-up, backup jobs, storages, and the tag options of <c>/cluster/options</c>.</summary>
internal sealed class PveClusterRoutes(PveClusterState s)
{
    public void Map(RouteGroupBuilder api)
    {
        api.MapGet("/cluster/backup", (HttpContext ctx) =>
            !s.Need(ctx, "Sys.Audit", "/") ? Results.Empty : LabResults.Data(s.Spec.BackupJobs.Select(JobRow))
        );

        // Only storages with Datastore.Audit or Datastore.AllocateSpace on /storage/<sid>, silently.
        api.MapGet("/storage", (HttpContext ctx) => LabResults.Data(s.Spec.Storages.Where(x => s.CanSeeStorage(ctx, x.Storage)).Select(StorageRow)));

        // The caller's own privileges (API2/AccessControl.pm permissions): path => privilege => propagates (0/1).
        api.MapGet("/access/permissions", (HttpContext ctx, string? path) =>
        {
            var auth = PveClusterState.AuthId(ctx);
            if (path is not null)
            {
                return LabResults.Data(
                    new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal)
                    {
                        [path] = s.Access.Privileges(auth, path).ToDictionary(p => p.Key, p => p.Value ? 1 : 0, StringComparer.Ordinal),
                    }
                );
            }

            return LabResults.Data(s.Access.Effective(auth));
        });

        api.MapGet("/cluster/ha/resources", (HttpContext ctx) =>
        {
            if (!s.Need(ctx, "Sys.Audit", "/"))
            {
                return Results.Empty;
            }

            lock (s.Gate)
            {
                return LabResults.Data(
                    s.Guests.Values.Where(g => g.HaState is not null)
                        .OrderBy(g => g.Vmid)
                        .Select(g => new
                        {
                            sid = $"{(g.Type == "lxc" ? "ct" : "vm")}:{g.Vmid}",
                            type = g.Type == "lxc" ? "ct" : "vm",
                            state = g.HaState,
                            max_restart = 1,
                            max_relocate = 1,
                            digest = "0000000000000000000000000000000000000000",
                        })
                        .ToList()
                );
            }
        });

        // Like PVE: computed from every vzdump job, enabled or not (get_included_guests ignores `enabled`).
        api.MapGet("/cluster/backup-info/not-backed-up", (HttpContext ctx) =>
        {
            if (!s.Need(ctx, "Sys.Audit", "/"))
            {
                return Results.Empty;
            }

            lock (s.Gate)
            {
                return LabResults.Data(
                    s.Guests.Values.Where(g => !g.Template && !s.Spec.BackupJobs.Any(j => Includes(j, g)))
                        .OrderBy(g => g.Vmid)
                        .Select(g => new
                        {
                            vmid = g.Vmid,
                            type = g.Type,
                            name = g.Name,
                        })
                        .ToList()
                );
            }
        });

        api.MapGet("/cluster/options", (HttpContext ctx) =>
        {
            lock (s.Gate)
            {
                // Cluster.pm: every caller gets allowed-tags computed for it; the configuration needs Sys.Audit on /.
                var data = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["console"] = "html5",
                    ["allowed-tags"] = s.TagPolicy.AllowedTags(PveClusterState.AuthId(ctx)).ToList(),
                };
                if ((s.TagStyle ?? s.Spec.TagStyle) is { Length: > 0 } style)
                {
                    // GET returns the property string parsed into an object.
                    data["tag-style"] = style
                        .Split(',', StringSplitOptions.RemoveEmptyEntries)
                        .Select(p => p.Split('=', 2))
                        .ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : string.Empty, StringComparer.Ordinal);
                }

                if (s.Has(ctx, "Sys.Audit", "/"))
                {
                    data["registered-tags"] = s.TagPolicy.Registered;
                    if (s.Spec.UserTagAccess is not null)
                    {
                        var (mode, list) = s.TagPolicy.UserTagAccess();
                        data["user-tag-access"] = new Dictionary<string, object>(StringComparer.Ordinal)
                        {
                            ["user-allow"] = mode,
                            ["user-allow-list"] = list,
                        };
                    }
                }

                return LabResults.Data(data);
            }
        });

        api.MapPut("/cluster/options", async (HttpContext ctx) =>
        {
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            if (!s.Need(ctx, "Sys.Modify", "/"))
            {
                return Results.Empty;
            }

            var unknown = form.Keys.Where(k => k is not ("tag-style" or "registered-tags")).ToList();
            if (unknown.Count > 0)
            {
                LabResults.Error(ctx, 400, $"lab refuses to change {string.Join(", ", unknown)}");
                return Results.Empty;
            }

            lock (s.Gate)
            {
                if (form.TryGetValue("tag-style", out var style))
                {
                    s.TagStyle = style.ToString();
                }

                if (form.TryGetValue("registered-tags", out var registered))
                {
                    s.RegisteredTags = registered.ToString().Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries).ToList();
                }
            }

            return LabResults.Data(null);
        });
    }

    private static bool Includes(JobSpec job, PveGuestState guest)
    {
        if (job.Node is not null && job.Node != guest.Node)
        {
            return false;
        }

        static IEnumerable<string> Ids(string? list) => (list ?? string.Empty).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries);
        var id = guest.Vmid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return job.All ? !Ids(job.Exclude).Contains(id)
            : job.Pool is not null ? job.Pool == guest.Pool
            : Ids(job.Vmid).Contains(id);
    }

    private static object JobRow(JobSpec j)
    {
        var row = new Dictionary<string, object?>
        {
            ["id"] = j.Id,
            ["type"] = "vzdump",
            ["enabled"] = j.Enabled ? 1 : 0,
            ["schedule"] = j.Schedule,
            ["storage"] = j.Storage,
            ["mode"] = "snapshot",
            ["compress"] = "zstd",
        };
        if (j.All)
        {
            row["all"] = 1;
        }

        // PVE leaves an unset option out of the row.
        return row.WithSet(("exclude", j.Exclude), ("vmid", j.Vmid), ("pool", j.Pool), ("node", j.Node));
    }

    private object StorageRow(StorageSpec storage)
    {
        var row = new Dictionary<string, object?>
        {
            ["storage"] = storage.Storage,
            ["type"] = storage.Type,
            ["content"] = storage.Content,
            ["digest"] = "0000000000000000000000000000000000000000",
        };
        if (storage.Shared)
        {
            row["shared"] = 1;
        }

        if (storage.Nodes is not null)
        {
            row["nodes"] = storage.Nodes;
        }

        if (storage.MaxProtectedBackups is { } max)
        {
            row["max-protected-backups"] = max;
        }

        if (storage.Type == "pbs")
        {
            var url = storage.BackupServer is null ? null : s.BackupServer(storage.BackupServer)?.Server.Url;
            row["server"] = url?.Host ?? storage.Server;
            row["port"] = url?.Port ?? 8007;
            row["datastore"] = storage.Datastore;
            row["username"] = "pve-backup@pbs";
            if (!string.IsNullOrEmpty(storage.Namespace))
            {
                row["namespace"] = storage.Namespace;
            }
        }

        if (storage.Type == "nfs")
        {
            row["server"] = storage.Server;
            row["export"] = storage.Export;
            row["path"] = $"/mnt/pve/{storage.Storage}";
        }

        if (storage.Type == "cifs")
        {
            row["server"] = storage.Server;
            row["share"] = storage.Share;
            row["path"] = $"/mnt/pve/{storage.Storage}";
        }

        return row;
    }
}
