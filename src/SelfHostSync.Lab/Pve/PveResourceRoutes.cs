using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>
/// <c>GET /cluster/resources</c> as pve-manager's Cluster.pm answers it: pools (Pool.Audit), guests (VM.Audit; a pool
/// without Pool.Audit is dropped from the row), every node (stats only with Sys.Audit on it, <c>extract_node_stats</c>),
/// and one row per storage and node it is enabled on (Datastore.Audit), in that order; <c>type</c> keeps one kind.
/// </summary>
internal sealed class PveResourceRoutes(PveClusterState s)
{
    public void Map(RouteGroupBuilder api)
    {
        api.MapGet("/cluster/resources", Resources);

        api.MapGet("/nodes", () => LabResults.Data(
                s.Spec.Nodes.Select(n => new
                {
                    node = n,
                    status = s.Spec.OfflineNodes.Contains(n) ? "offline" : "online",
                    type = "node",
                })
            ));
    }

    private IResult Resources(HttpContext ctx, string? type)
    {
        if (type is not (null or "vm" or "node" or "storage" or "pool" or "sdn"))
        {
            LabResults.Error(ctx, 400, "parameter verification failed");
            return Results.Empty;
        }

        // PVE drops, silently, every guest without VM.Audit on /vms/<vmid>, and the pool of a guest without
        // Pool.Audit on /pool/<pool>.
        var auth = PveClusterState.AuthId(ctx);
        var rows = new List<object>();
        lock (s.Gate)
        {
            if (type is null or "pool")
            {
                rows.AddRange(
                    s.Guests.Values.Select(g => g.Pool)
                        .OfType<string>()
                        .Distinct(StringComparer.Ordinal)
                        .Order(StringComparer.Ordinal)
                        .Where(p => s.Access.Has(auth, "Pool.Audit", $"/pool/{p}"))
                        .Select(p => new Dictionary<string, object?>
                        {
                            ["id"] = $"/pool/{p}",
                            ["pool"] = p,
                            ["type"] = "pool",
                        })
                );
            }

            if (type is null or "vm")
            {
                rows.AddRange(
                    s.Guests.Values.OrderBy(g => g.Vmid)
                        .Where(g => s.Access.Has(auth, "VM.Audit", $"/vms/{g.Vmid}"))
                        .Select(g => ResourceRow(g, g.Pool is null || s.Access.Has(auth, "Pool.Audit", $"/pool/{g.Pool}")))
                );
            }
        }

        if (type is null or "node")
        {
            rows.AddRange(s.Spec.Nodes.Select(n => NodeRow(n, s.Access.Has(auth, "Sys.Audit", $"/nodes/{n}"))));
        }

        if (type is null or "storage")
        {
            foreach (var storage in s.Spec.Storages.Where(x => s.Access.Has(auth, "Datastore.Audit", $"/storage/{x.Storage}")))
            {
                var on = storage.Nodes?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                rows.AddRange(
                    s.Spec.Nodes.Where(n => on is null || on.Contains(n, StringComparer.Ordinal)).Select(n => StorageResourceRow(storage, n))
                );
            }
        }

        return LabResults.Data(rows);
    }

    /// <summary>A node's row (<c>extract_node_stats</c>): id, status, and its figures when the caller may audit it.</summary>
    private Dictionary<string, object?> NodeRow(string node, bool audit)
    {
        var online = !s.Spec.OfflineNodes.Contains(node);
        var row = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = $"node/{node}",
            ["node"] = node,
            ["type"] = "node",
            ["status"] = online ? "online" : "offline",
            ["level"] = string.Empty,
        };
        if (audit)
        {
            row["maxcpu"] = 16;
            row["maxmem"] = 68719476736L;
            row["maxdisk"] = 107374182400L;
            if (online)
            {
                row["uptime"] = 864000;
                row["cpu"] = 0.05;
                row["mem"] = 17179869184L;
                row["disk"] = 10737418240L;
            }
        }

        return row;
    }

    /// <summary>A storage's row on one node (<c>extract_storage_stats</c>).</summary>
    private static Dictionary<string, object?> StorageResourceRow(Scenario.StorageSpec storage, string node)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = $"storage/{node}/{storage.Storage}",
            ["storage"] = storage.Storage,
            ["node"] = node,
            ["type"] = "storage",
            ["plugintype"] = storage.Type,
            ["status"] = storage.Offline ? "unknown" : "available",
            ["shared"] = storage.Shared ? 1 : 0,
            ["content"] = storage.Content,
        };
        if (!storage.Offline)
        {
            row["maxdisk"] = (long)(storage.TotalGiB * 1073741824);
            row["disk"] = (long)(storage.TotalGiB * 1073741824 / 4);
        }

        return row;
    }

    private object ResourceRow(PveGuestState g, bool showPool)
    {
        var offline = s.Spec.OfflineNodes.Contains(g.Node);
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

        return row.WithSet(("pool", showPool ? g.Pool : null), ("lock", g.Lock), ("tags", g.Tags), ("hastate", g.HaState));
    }
}
