using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>
/// A storage's backups (<c>GET /nodes/{node}/storage/{storage}/content</c>, each item through <c>check_volume_access</c>)
/// and its status as pve-storage answers it (<c>API2/Storage/Status.pm</c>, <c>storage_info</c>): Datastore.Audit or
/// AllocateSpace on the storage; a storage not on that node, disabled or not active reports zeros, not an error; an
/// unknown one is a 400 on the parameter.
/// </summary>
internal sealed class PveStorageRoutes(PveClusterState s)
{
    private const double GiB = 1024d * 1024 * 1024;

    public void Map(RouteGroupBuilder api)
    {
        api.MapGet("/nodes/{node}/storage/{storage}/content", (HttpContext ctx, string node, string storage, string? content, int? vmid) =>
        {
            var spec = s.Spec.Storages.FirstOrDefault(x => x.Storage == storage);
            if (spec is null || !s.Spec.Nodes.Contains(node))
            {
                LabResults.Error(ctx, 500, $"storage '{storage}' does not exist");
                return Results.Empty;
            }

            if (!s.CanSeeStorage(ctx, storage))
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
            var items = s
                .Content.Of(spec, node, content)
                .OfType<Dictionary<string, object?>>()
                .Where(i => (vmid is null || Equals(i["vmid"], vmid.Value)) && s.MayAccessVolume(ctx, storage, (int)i["vmid"]!))
                .Cast<object>()
                .ToList();
            return LabResults.Data(items);
        });

        api.MapGet("/nodes/{node}/storage/{storage}/status", (HttpContext ctx, string node, string storage) =>
        {
            if (!s.Spec.Nodes.Contains(node))
            {
                LabResults.Error(ctx, 500, $"no such node '{node}'");
                return Results.Empty;
            }

            if (!s.CanSeeStorage(ctx, storage))
            {
                LabResults.Error(ctx, 403, $"Permission check failed (/storage/{storage}, Datastore.Audit|Datastore.AllocateSpace)");
                return Results.Empty;
            }

            var spec = s.Spec.Storages.FirstOrDefault(x => x.Storage == storage);
            if (spec is null)
            {
                ctx.Response.StatusCode = 400;
                return Results.Json(new { data = (object?)null, errors = new { storage = "No such storage." } }, statusCode: 400);
            }

            var enabled = spec.Nodes is null || spec.Nodes.Split(',').Contains(node);
            var active = enabled && !spec.Offline;
            return LabResults.Data(
                new Dictionary<string, object>(StringComparer.Ordinal)
                {
                    ["type"] = spec.Type,
                    ["content"] = spec.Content,
                    ["shared"] = spec.Shared ? 1 : 0,
                    ["enabled"] = enabled ? 1 : 0,
                    ["active"] = active ? 1 : 0,
                    ["total"] = active ? (long)(spec.TotalGiB * GiB) : 0,
                    ["used"] = active ? (long)(spec.UsedGiB * GiB) : 0,
                    ["avail"] = active ? (long)((spec.TotalGiB - spec.UsedGiB) * GiB) : 0,
                }
            );
        });

        new PveVolumeAttributes(s).Map(api);
    }
}
