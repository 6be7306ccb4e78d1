using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;

namespace SelfHostSync.Lab.Pve;

/// <summary>
/// <c>GET /nodes/{node}/storage/{storage}/status</c> as pve-storage answers it (<c>API2/Storage/Status.pm</c>,
/// <c>storage_info</c>): Datastore.Audit or AllocateSpace on the storage; a storage not on that node, disabled or not
/// active reports zeros, not an error; an unknown one is a 400 on the parameter.
/// </summary>
public sealed partial class PveSimulator
{
    private const double GiB = 1024d * 1024 * 1024;

    private void MapStorageStatus(RouteGroupBuilder api)
    {
        api.MapGet("/nodes/{node}/storage/{storage}/status", (HttpContext ctx, string node, string storage) =>
        {
            if (!_spec.Nodes.Contains(node))
            {
                LabResults.Error(ctx, 500, $"no such node '{node}'");
                return Results.Empty;
            }

            if (!CanSeeStorage(ctx, storage))
            {
                LabResults.Error(ctx, 403, $"Permission check failed (/storage/{storage}, Datastore.Audit|Datastore.AllocateSpace)");
                return Results.Empty;
            }

            var spec = _spec.Storages.FirstOrDefault(s => s.Storage == storage);
            if (spec is null)
            {
                ctx.Response.StatusCode = 400;
                return Results.Json(new { data = (object?)null, errors = new { storage = "No such storage." } }, statusCode: 400);
            }

            var enabled = spec.Nodes is null || spec.Nodes.Split(',').Contains(node);
            var active = enabled && !spec.Offline;
            return LabResults.Data(new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["type"] = spec.Type,
                ["content"] = spec.Content,
                ["shared"] = spec.Shared ? 1 : 0,
                ["enabled"] = enabled ? 1 : 0,
                ["active"] = active ? 1 : 0,
                ["total"] = active ? (long)(spec.TotalGiB * GiB) : 0,
                ["used"] = active ? (long)(spec.UsedGiB * GiB) : 0,
                ["avail"] = active ? (long)((spec.TotalGiB - spec.UsedGiB) * GiB) : 0,
            });
        });
    }
}
