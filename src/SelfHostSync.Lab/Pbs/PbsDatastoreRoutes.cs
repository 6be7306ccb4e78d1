using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pbs;

/// <summary>
/// Datastores, namespaces, groups and snapshots, with PBS's permission rules (proxmox-backup <c>src/api2</c>): a
/// snapshot listing without privilege is 403 "permission check failed - missing …", an unavailable datastore a plain
/// 400 with PBS 3.3+'s texts.
/// </summary>
internal sealed class PbsDatastoreRoutes(PbsServerState s)
{
    public void Map(RouteGroupBuilder api)
    {
        api.MapGet("/admin/datastore/{store}/groups", (HttpContext ctx, string store, string? ns) =>
            Readable(ctx, store, "Datastore.Audit|Datastore.Backup") is null
                ? Results.Empty
                : LabResults.Data(
                    s.Snapshots.Where(s => s.Datastore == store && s.Namespace == (ns ?? string.Empty))
                        .GroupBy(s => (s.Type, s.Id))
                        .Select(g => GroupRow(g.ToList()))
                        .ToList()
                )
        );

        api.MapGet("/admin/datastore", (HttpContext ctx) => LabResults.Data(
                s.Spec.Datastores.Where(_ => PbsAuth.Has(ctx, "Datastore.Audit") || PbsAuth.Has(ctx, "Datastore.Backup"))
                    .Select(d =>
                    {
                        var row = new Dictionary<string, object?>(StringComparer.Ordinal)
                        {
                            ["store"] = d.Name,
                            ["backend-type"] = d.Backend,
                            ["mount-status"] = d.NotMounted ? "notmounted" : "nonremovable",
                        };
                        if (d.Maintenance is not null)
                        {
                            row["maintenance"] = d.Maintenance;
                        }

                        return row;
                    })
            ));

        api.MapGet("/admin/datastore/{store}/namespace", (HttpContext ctx, string store) =>
            Readable(ctx, store, "Datastore.Audit|Datastore.Backup") is not { } ds
                ? Results.Empty
                : LabResults.Data(new[] { string.Empty }.Concat(ds.Namespaces ?? []).Select(ns => new { ns }))
        );

        api.MapGet(
            "/admin/datastore/{store}/snapshots",
            (
                HttpContext ctx,
                string store,
                string? ns,
                [Microsoft.AspNetCore.Mvc.FromQuery(Name = "backup-type")] string? type,
                [Microsoft.AspNetCore.Mvc.FromQuery(Name = "backup-id")] string? id
            ) =>
                Readable(ctx, store, "Datastore.Audit|Datastore.Backup") is null
                    ? Results.Empty
                    : LabResults.Data(
                        s.Snapshots.Where(s =>
                                s.Datastore == store
                                && s.Namespace == (ns ?? string.Empty)
                                && (type is null || s.Type == type)
                                && (id is null || s.Id.ToString(CultureInfo.InvariantCulture) == id)
                            )
                            .Select(ToApi)
                    )
        );
    }

    /// <summary>
    /// A datastore a read may use, in PBS's order: privilege (403), existence, maintenance mode, mount state (400s with
    /// PBS 3.3+'s texts, pbs-datastore <c>lookup_datastore</c> and <c>MaintenanceMode::check</c>).
    /// </summary>
    private DatastoreSpec? Readable(HttpContext ctx, string store, string privileges)
    {
        if (!privileges.Split('|').Any(p => PbsAuth.Has(ctx, p)))
        {
            LabResults.Error(ctx, 403, $"permission check failed - missing {privileges} on /datastore/{store}");
            return null;
        }

        var ds = s.Spec.Datastores.FirstOrDefault(d => d.Name == store);
        var refusal = ds switch
        {
            null => $"no such datastore '{store}'",
            { Maintenance: { } m } when MaintenanceType(m) == "offline" =>
                $"datastore '{store}' is unavailable: offline maintenance mode: {MaintenanceMessage(m)}",
            { Maintenance: { } m } when MaintenanceType(m) == "unmount" => $"datastore '{store}' is unavailable: datastore is being unmounted",
            { Maintenance: { } m } when MaintenanceType(m) == "delete" => $"datastore '{store}' is unavailable: datastore is being deleted",
            { NotMounted: true } => $"datastore '{store}' is not mounted",
            _ => null,
        };
        if (refusal is not null)
        {
            LabResults.Error(ctx, 400, refusal);
            return null;
        }

        return ds;
    }

    private static string MaintenanceType(string mode)
    {
        var first = mode.Split(',')[0];
        return first.StartsWith("type=", StringComparison.Ordinal) ? first[5..] : first;
    }

    private static string MaintenanceMessage(string mode) =>
        mode.Split(',').FirstOrDefault(p => p.StartsWith("message=", StringComparison.Ordinal))?[8..].Trim('"') ?? string.Empty;

    /// <summary>
    /// One group as <c>list_groups</c> answers: the count of every snapshot directory, and as "last backup" the result of
    /// PBS's fold over the directory order (the newest finished one when it is listed before the others).
    /// </summary>
    private static Dictionary<string, object?> GroupRow(List<PbsSnapshot> snapshots)
    {
        var last = snapshots.Aggregate((a, b) => !a.InProgress && a.Time > b.Time ? a : b);
        var data = last.Type == "vm" ? "drive-scsi0.img.fidx" : "root.pxar.didx";
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["backup-type"] = last.Type,
            ["backup-id"] = last.Id.ToString(CultureInfo.InvariantCulture),
            ["last-backup"] = last.Time,
            ["backup-count"] = snapshots.Count,
            ["files"] = last.InProgress ? new[] { data } : new[] { "index.json.blob", data },
            ["owner"] = "pve-backup@pbs!pve",
        };
    }

    /// <summary>
    /// A listing item: with a manifest, files with crypt mode and size, the total size and the verification; a backup
    /// still running (no manifest yet) has file names only, no size, no verification (pbs <c>src/tools/mod.rs</c>).
    /// </summary>
    private static object ToApi(PbsSnapshot s)
    {
        var data = s.Type == "vm" ? "drive-scsi0.img.fidx" : "root.pxar.didx";
        var item = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["backup-type"] = s.Type,
            ["backup-id"] = s.Id.ToString(CultureInfo.InvariantCulture),
            ["backup-time"] = s.Time,
            ["owner"] = "pve-backup@pbs!pve",
            ["protected"] = s.Protected,
        };
        if (s.InProgress)
        {
            item["files"] = new object[] { new Dictionary<string, object> { ["filename"] = data } };
            return item;
        }

        var crypt = s.Encrypted ? "encrypt" : "none";
        item["files"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["filename"] = "index.json.blob",
                ["crypt-mode"] = "none",
                ["size"] = 512,
            },
            new Dictionary<string, object>
            {
                ["filename"] = data,
                ["crypt-mode"] = crypt,
                ["size"] = 34359738368L,
            },
        };
        item["size"] = 34359738880L;
        if (s.Encrypted)
        {
            item["fingerprint"] = "bb:7c:1f:2e:09:44:aa:51:3d:8e:60:12:fe:c4:77:91:05:2a:b8:3c:de:11:9f:42:70:66:e3:0d:5b:a1:c9:28";
        }

        if (s.Verification is not null)
        {
            item["verification"] = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["state"] = s.Verification,
                ["upid"] = $"UPID:pbs:0000A1B2:0012C3D4:00000000:{s.Time + 3600:X8}:verificationjob:{s.Datastore}\\x3av-daily:root@pam:",
            };
        }

        return item;
    }
}
