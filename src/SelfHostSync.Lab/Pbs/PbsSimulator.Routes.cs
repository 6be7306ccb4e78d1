using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pbs;

/// <summary>
/// The routes, with PBS's permission rules (proxmox-backup <c>src/api2</c>): lists are filtered per item without an
/// error (<c>user: all</c> in the schema), a snapshot listing without privilege is 403 "permission check failed -
/// missing …", an unavailable datastore is a plain 400. Token privileges apply on every path (no ACL tree here).
/// </summary>
public sealed partial class PbsSimulator
{
    private void MapAccess(RouteGroupBuilder api)
    {
        // PBS: path → privilege → propagate (a boolean, where PVE sends 1/0).
        api.MapGet("/access/permissions", (HttpContext ctx) => LabResults.Data(
            (Token(ctx).Privileges ?? [])
                .GroupBy(p => p.StartsWith("Remote.", StringComparison.Ordinal) ? "/remote" : p.StartsWith("Datastore.", StringComparison.Ordinal) ? "/datastore" : "/")
                .ToDictionary(g => g.Key, g => g.ToDictionary(p => p, _ => true, StringComparer.Ordinal), StringComparer.Ordinal)));

        api.MapGet("/config/remote", (HttpContext ctx) => LabResults.Data(
            !Has(ctx, "Remote.Audit") ? [] : _spec.Remotes.Select(r => _peers(r.Server) is { } peer
                ? new Dictionary<string, object>(StringComparer.Ordinal)
                {
                    ["name"] = r.Name,
                    ["host"] = peer.Server.Url.Host,
                    ["port"] = peer.Server.Url.Port,
                    ["auth-id"] = "sync@pbs",
                }
                : throw new InvalidOperationException($"remote {r.Name}: no Lab PBS named {r.Server}")).ToList()));

        api.MapGet("/config/datastore", (HttpContext ctx) => LabResults.Data(
            _spec.Datastores.Where(_ => Has(ctx, "Datastore.Audit")).Select(d =>
            {
                var row = new Dictionary<string, object>(StringComparer.Ordinal) { ["name"] = d.Name, ["path"] = $"/mnt/datastore/{d.Name}" };
                if (d.VerifyNew)
                {
                    row["verify-new"] = true;
                }

                return row;
            })));
    }

    private void MapJobs(RouteGroupBuilder api)
    {
        api.MapGet("/admin/verify", (HttpContext ctx, string? store) => LabResults.Data(
            _spec.VerifyJobs.Where(j => (store is null || j.Store == store) && (Has(ctx, "Datastore.Audit") || Has(ctx, "Datastore.Verify"))).Select(JobRow)));

        api.MapGet("/admin/sync", (HttpContext ctx, string? store, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "sync-direction")] string? direction) =>
        {
            if (direction is not null && (!_spec.PushSync || direction is not ("push" or "pull" or "all")))
            {
                // proxmox-schema ParameterError on the query string of a PBS before 3.3 (with the period).
                LabResults.Error(ctx, 400, "parameter verification failed - 'sync-direction': schema does not allow additional properties.");
                return Results.Empty;
            }

            var want = direction ?? "pull";

            // Listed only with Datastore.Audit on the local store and Remote.Audit on the remote: silently.
            return LabResults.Data(_spec.SyncJobs
                .Where(j => (store is null || j.Store == store) && (want == "all" || j.Direction == want))
                .Where(j => Has(ctx, "Datastore.Audit") && (j.Remote is null || Has(ctx, "Remote.Audit")))
                .Select(j => SyncRow(j, _spec.PushSync)));
        });
    }

    private void MapDatastores(RouteGroupBuilder api)
    {
        api.MapGet("/admin/datastore", (HttpContext ctx) => LabResults.Data(
            _spec.Datastores.Where(_ => Has(ctx, "Datastore.Audit") || Has(ctx, "Datastore.Backup")).Select(d =>
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
            })));

        api.MapGet("/admin/datastore/{store}/namespace", (HttpContext ctx, string store) =>
            Readable(ctx, store, "Datastore.Audit|Datastore.Backup") is not { } ds ? Results.Empty
                : LabResults.Data(new[] { string.Empty }.Concat(ds.Namespaces ?? []).Select(ns => new { ns })));

        api.MapGet("/admin/datastore/{store}/snapshots", (
            HttpContext ctx,
            string store,
            string? ns,
            [Microsoft.AspNetCore.Mvc.FromQuery(Name = "backup-type")] string? type,
            [Microsoft.AspNetCore.Mvc.FromQuery(Name = "backup-id")] string? id) =>
            Readable(ctx, store, "Datastore.Audit|Datastore.Backup") is null ? Results.Empty
                : LabResults.Data(Snapshots
                    .Where(s => s.Datastore == store && s.Namespace == (ns ?? string.Empty)
                        && (type is null || s.Type == type) && (id is null || s.Id.ToString(CultureInfo.InvariantCulture) == id))
                    .Select(ToApi)));
    }

    /// <summary>
    /// A datastore a read may use, in PBS's order: privilege (403), existence, maintenance mode, mount state (400s with
    /// PBS 3.3+'s texts, pbs-datastore <c>lookup_datastore</c> and <c>MaintenanceMode::check</c>).
    /// </summary>
    private DatastoreSpec? Readable(HttpContext ctx, string store, string privileges)
    {
        if (!privileges.Split('|').Any(p => Has(ctx, p)))
        {
            LabResults.Error(ctx, 403, $"permission check failed - missing {privileges} on /datastore/{store}");
            return null;
        }

        var ds = _spec.Datastores.FirstOrDefault(d => d.Name == store);
        var refusal = ds switch
        {
            null => $"no such datastore '{store}'",
            { Maintenance: { } m } when MaintenanceType(m) == "offline" => $"datastore '{store}' is unavailable: offline maintenance mode: {MaintenanceMessage(m)}",
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

    private Dictionary<string, object?> JobRow(PbsJobSpec j)
    {
        var end = (_now - TimeSpan.FromHours(j.LastRunAgeHours)).ToUnixTimeSeconds();
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

    private static TokenSpec Token(HttpContext ctx) => (TokenSpec)ctx.Items["token"]!;

    private static bool Has(HttpContext ctx, string privilege) =>
        Token(ctx).Privileges is { } p && (p.Contains(privilege, StringComparer.Ordinal) || p.Contains("Admin", StringComparer.Ordinal) || p.Contains("Administrator", StringComparer.Ordinal));

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
            new Dictionary<string, object> { ["filename"] = "index.json.blob", ["crypt-mode"] = "none", ["size"] = 512 },
            new Dictionary<string, object> { ["filename"] = data, ["crypt-mode"] = crypt, ["size"] = 34359738368L },
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
