using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>Restore into a new VMID as PVE does it: a <c>lock: create</c> stub until the data is in, overrides applied last, the restore worker's own checks.</summary>
internal sealed partial class PveRestoreRoutes(PveClusterState s)
{
    public void Map(RouteGroupBuilder api)
    {
        foreach (var type in new[] { "qemu", "lxc" })
        {
            api.MapPost($"/nodes/{{node}}/{type}", async (HttpContext ctx, string node) =>
            {
                var form = (await ctx.Request.ReadFormAsync(ctx.RequestAborted)).ToDictionary(
                    f => f.Key,
                    f => f.Value.ToString(),
                    StringComparer.Ordinal
                );
                return Restore(ctx, node, type, form);
            });
        }
    }

    private IResult Restore(HttpContext ctx, string node, string type, Dictionary<string, string> form)
    {
        var archive = form.GetValueOrDefault(type == "lxc" ? "ostemplate" : "archive");
        if (
            !int.TryParse(form.GetValueOrDefault("vmid"), NumberStyles.None, CultureInfo.InvariantCulture, out var vmid)
            || archive is null
            || (type == "lxc" && form.GetValueOrDefault("restore") != "1")
        )
        {
            LabResults.Error(ctx, 400, "lab: only restores are simulated (vmid and archive/ostemplate+restore=1 required)");
            return Results.Empty;
        }

        // qemu-server/pve-container create with an archive: target storage, then VM.Allocate (a bare refusal), then
        // the archive itself (check_volume_access: Datastore.Allocate, the target's own backup, or AllocateSpace on
        // its storage plus VM.Backup on the guest it belongs to).
        var storageId = form.GetValueOrDefault("storage");
        if ((storageId is not null && !s.Need(ctx, "Datastore.AllocateSpace", $"/storage/{storageId}")))
        {
            return Results.Empty;
        }

        if (!s.Has(ctx, "VM.Allocate", $"/vms/{vmid}"))
        {
            LabResults.Error(ctx, StatusCodes.Status403Forbidden, "Permission check failed");
            return Results.Empty;
        }

        var drive = form.Keys.FirstOrDefault(k => DriveKey().IsMatch(k));
        if (drive is not null)
        {
            ctx.Response.StatusCode = 400;
            return Results.Json(
                new { data = (object?)null, errors = new Dictionary<string, string> { [drive] = "option conflicts with option 'archive'" } },
                statusCode: 400
            );
        }

        if (!MayRestoreFrom(ctx, archive, vmid))
        {
            return Results.Empty;
        }

        var target = s.Spec.Storages.FirstOrDefault(x => x.Storage == storageId);
        if (!s.Spec.Nodes.Contains(node) || target is null)
        {
            LabResults.Error(ctx, 500, $"storage '{storageId}' does not exist");
            return Results.Empty;
        }

        if (!target.Content.Contains(type == "lxc" ? "rootdir" : "images", StringComparison.Ordinal))
        {
            ctx.Response.StatusCode = 400;
            var why = type == "lxc" ? "does not support container directories" : "does not support vm images";
            return Results.Json(
                new { data = (object?)null, errors = new Dictionary<string, string> { ["storage"] = $"storage '{storageId}' {why}" } },
                statusCode: 400
            );
        }

        var source = SourceOf(archive, type);
        if (source is null)
        {
            LabResults.Error(ctx, 500, $"volume '{archive}' does not exist");
            return Results.Empty;
        }

        lock (s.Gate)
        {
            if (s.Guests.TryGetValue(vmid, out var existing))
            {
                LabResults.Error(
                    ctx,
                    500,
                    $"unable to create {(type == "lxc" ? "CT" : "VM")} {vmid} - {(type == "lxc" ? "CT" : "VM")} {vmid} already exists on node '{existing.Node}'"
                );
                return Results.Empty;
            }

            s.Guests[vmid] = new PveGuestState(vmid, type, node);
        }

        var fault = s.Faults.GetValueOrDefault(source.Vmid);
        var task = s.NewTask(
            node,
            type == "lxc" ? "vzrestore" : "qmrestore",
            vmid.ToString(CultureInfo.InvariantCulture),
            PveClusterState.AuthId(ctx)
        );
        task.Log.Add(type == "lxc" ? $"restoring '{archive}' now.." : $"starting to restore snapshot '{archive.Split(":backup/").Last()}'");
        PveClusterState.Later(task, async ct =>
        {
            try
            {
                await Task.Delay(fault == DrillFault.RestoreHangs ? Timeout.InfiniteTimeSpan : s.TaskDuration, ct);
            }
            catch (OperationCanceledException)
            {
                RestoreFailed(vmid, type);
                throw;
            }

            if (fault == DrillFault.CorruptSnapshot)
            {
                task.Log.Add("restore failed: detected chunk with wrong digest.");
                RestoreFailed(vmid, type);
                throw new InvalidOperationException(
                    type == "lxc"
                        ? "unable to restore CT - corrupted archive"
                        : "command '/usr/bin/pbs-restore --repository lab drive-scsi0.img.fidx' failed: exit code 255"
                );
            }

            var restored = new Dictionary<string, string>(StringComparer.Ordinal);
            lock (s.Gate)
            {
                foreach (var (k, v) in source.Config.Where(kv => kv.Key is not ("lock" or "tags")))
                {
                    restored[k] = DriveKey().IsMatch(k) || k == "rootfs" ? $"{target.Storage}:vm-{vmid}-disk-0,size=8G" : v;
                }

                foreach (
                    var (k, v) in form.Where(kv =>
                        kv.Key is not ("vmid" or "archive" or "ostemplate" or "restore" or "storage" or "unique" or "start" or "force" or "pool")
                    )
                )
                {
                    restored[k] = k == "tags" ? PveClusterState.Canonical(v) : v;
                }
            }

            // The restore worker's own checks on the config it is about to write (bridges, devices, privileged CTs,
            // bind mounts): the data is in, the guest is not.
            if (
                PveRestoreRules.RestoreRefusal(type, restored, (p, path) => s.Access.Has(task.User, p, path), task.User == "root@pam", s.ZoneOf) is
                { } refusal
            )
            {
                RestoreFailed(vmid, type);
                throw new InvalidOperationException(type == "lxc" ? $"unable to restore CT {vmid} - {refusal}" : refusal);
            }

            lock (s.Gate)
            {
                var g = s.Guests[vmid];
                g.Config.Clear();
                foreach (var (k, v) in restored)
                {
                    g.Config[k] = v;
                }

                g.Description = source.Description;
            }

            task.Log.Add("restore finished");
        });
        return LabResults.Data(task.Upid);
    }

    /// <summary>qemu leaves its stub behind (PVE: "VM state is NOT cleaned up"); lxc removes the new container.</summary>
    private void RestoreFailed(int vmid, string type)
    {
        lock (s.Gate)
        {
            if (type == "lxc")
            {
                s.Guests.Remove(vmid);
            }
            else
            {
                s.Guests[vmid].Config.Remove("lock");
            }
        }
    }

    private bool MayRestoreFrom(HttpContext ctx, string archive, int target)
    {
        var storage = archive.Split(':')[0];
        var m = ArchiveVmid().Match(archive);
        var owner = !m.Success ? (int?)null : int.Parse(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, CultureInfo.InvariantCulture);
        if (s.Has(ctx, "Datastore.Allocate", $"/storage/{storage}") || owner == target)
        {
            return true;
        }

        if (owner is null)
        {
            LabResults.Error(ctx, 500, $"missing privileges to access {archive}");
            return false;
        }

        return s.Need(ctx, "Datastore.AllocateSpace", $"/storage/{storage}") && s.Need(ctx, "VM.Backup", $"/vms/{owner}");
    }

    /// <summary>The guest an archive volid belongs to, if the archive is one this cluster lists.</summary>
    private PveGuestState? SourceOf(string archive, string type)
    {
        var storage = s.Spec.Storages.FirstOrDefault(x => archive.StartsWith(x.Storage + ":", StringComparison.Ordinal));
        if (
            storage is null
            || !s.Content.Of(storage, "pve1", "backup").OfType<Dictionary<string, object?>>().Any(i => (string?)i["volid"] == archive)
        )
        {
            return null;
        }

        var m = ArchiveVmid().Match(archive);
        lock (s.Gate)
        {
            var id = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
            return m.Success && s.Guests.TryGetValue(int.Parse(id, CultureInfo.InvariantCulture), out var g) && g.Type == type ? g : null;
        }
    }

    [GeneratedRegex(@"^(ide|sata|scsi|virtio|efidisk|tpmstate)\d+$")]
    private static partial Regex DriveKey();

    [GeneratedRegex(@"(?:/(?:vm|ct)/(\d+)/|vzdump-(?:qemu|lxc)-(\d+)-)")]
    private static partial Regex ArchiveVmid();
}
