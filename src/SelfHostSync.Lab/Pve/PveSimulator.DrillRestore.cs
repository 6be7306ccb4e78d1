using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using SelfHostSync.Lab.Hosting;

namespace SelfHostSync.Lab.Pve;

/// <summary>Restore into a new VMID (a stub until the data is in, overrides last) and start/stop, as drills use them.</summary>
public sealed partial class PveSimulator
{
    private IResult Restore(HttpContext ctx, string node, string type, Dictionary<string, string> form)
    {
        var archive = form.GetValueOrDefault(type == "lxc" ? "ostemplate" : "archive");
        if (!int.TryParse(form.GetValueOrDefault("vmid"), NumberStyles.None, CultureInfo.InvariantCulture, out var vmid) || archive is null
            || (type == "lxc" && form.GetValueOrDefault("restore") != "1"))
        {
            LabResults.Error(ctx, 400, "lab: only restores are simulated (vmid and archive/ostemplate+restore=1 required)");
            return Results.Empty;
        }

        // qemu-server/pve-container create with an archive: target storage, then VM.Allocate (a bare refusal), then
        // the archive itself (check_volume_access: Datastore.Allocate, the target's own backup, or AllocateSpace on
        // its storage plus VM.Backup on the guest it belongs to).
        var storageId = form.GetValueOrDefault("storage");
        if ((storageId is not null && !Need(ctx, "Datastore.AllocateSpace", $"/storage/{storageId}")))
        {
            return Results.Empty;
        }

        if (!Has(ctx, "VM.Allocate", $"/vms/{vmid}"))
        {
            LabResults.Error(ctx, StatusCodes.Status403Forbidden, "Permission check failed");
            return Results.Empty;
        }

        var drive = form.Keys.FirstOrDefault(k => DriveKey().IsMatch(k));
        if (drive is not null)
        {
            ctx.Response.StatusCode = 400;
            return Results.Json(new { data = (object?)null, errors = new Dictionary<string, string> { [drive] = "option conflicts with option 'archive'" } }, statusCode: 400);
        }

        if (!MayRestoreFrom(ctx, archive, vmid))
        {
            return Results.Empty;
        }

        var target = _spec.Storages.FirstOrDefault(s => s.Storage == storageId);
        if (!_spec.Nodes.Contains(node) || target is null)
        {
            LabResults.Error(ctx, 500, $"storage '{storageId}' does not exist");
            return Results.Empty;
        }

        if (!target.Content.Contains(type == "lxc" ? "rootdir" : "images", StringComparison.Ordinal))
        {
            ctx.Response.StatusCode = 400;
            var why = type == "lxc" ? "does not support container directories" : "does not support vm images";
            return Results.Json(new { data = (object?)null, errors = new Dictionary<string, string> { ["storage"] = $"storage '{storageId}' {why}" } }, statusCode: 400);
        }

        var source = SourceOf(archive, type);
        if (source is null)
        {
            LabResults.Error(ctx, 500, $"volume '{archive}' does not exist");
            return Results.Empty;
        }

        lock (_gate)
        {
            if (Guests.TryGetValue(vmid, out var existing))
            {
                LabResults.Error(ctx, 500, $"unable to create {(type == "lxc" ? "CT" : "VM")} {vmid} - {(type == "lxc" ? "CT" : "VM")} {vmid} already exists on node '{existing.Node}'");
                return Results.Empty;
            }

            Guests[vmid] = new PveGuestState(vmid, type, node);
        }

        var fault = _faults.GetValueOrDefault(source.Vmid);
        var task = NewTask(node, type == "lxc" ? "vzrestore" : "qmrestore", vmid.ToString(CultureInfo.InvariantCulture), User(ctx));
        task.Log.Add(type == "lxc" ? $"restoring '{archive}' now.." : $"starting to restore snapshot '{archive.Split(":backup/").Last()}'");
        Later(task, async ct =>
        {
            try
            {
                await Task.Delay(fault == DrillFault.RestoreHangs ? Timeout.InfiniteTimeSpan : TaskDuration, ct);
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
                throw new InvalidOperationException(type == "lxc" ? "unable to restore CT - corrupted archive" : "command '/usr/bin/pbs-restore --repository lab drive-scsi0.img.fidx' failed: exit code 255");
            }

            var restored = new Dictionary<string, string>(StringComparer.Ordinal);
            lock (_gate)
            {
                foreach (var (k, v) in source.Config.Where(kv => kv.Key is not ("lock" or "tags")))
                {
                    restored[k] = DriveKey().IsMatch(k) || k == "rootfs" ? $"{target.Storage}:vm-{vmid}-disk-0,size=8G" : v;
                }

                foreach (var (k, v) in form.Where(kv => kv.Key is not ("vmid" or "archive" or "ostemplate" or "restore" or "storage" or "unique" or "start" or "force" or "pool")))
                {
                    restored[k] = k == "tags" ? Canonical(v) : v;
                }
            }

            // The restore worker's own checks on the config it is about to write (bridges, devices, privileged CTs,
            // bind mounts): the data is in, the guest is not.
            if (PveRestoreRules.RestoreRefusal(type, restored, (p, path) => Access.Has(task.User, p, path), task.User == "root@pam", ZoneOf) is { } refusal)
            {
                RestoreFailed(vmid, type);
                throw new InvalidOperationException(type == "lxc" ? $"unable to restore CT {vmid} - {refusal}" : refusal);
            }

            lock (_gate)
            {
                var g = Guests[vmid];
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
        lock (_gate)
        {
            if (type == "lxc")
            {
                Guests.Remove(vmid);
            }
            else
            {
                Guests[vmid].Config.Remove("lock");
            }
        }
    }

    private IResult Power(HttpContext ctx, string node, string type, int vmid, bool start)
    {
        lock (_gate)
        {
            if (!Find(ctx, node, type, vmid, out var g) || !Need(ctx, "VM.PowerMgmt", $"/vms/{vmid}"))
            {
                return Results.Empty;
            }

            var kind = type == "lxc" ? "CT" : "VM";
            var problem = g!.Lock is { } held ? $"{kind} is locked ({held})"
                : start && g.Status == "running" ? $"{kind} {vmid} already running"
                : !start && type == "lxc" && g.Status != "running" ? $"CT {vmid} not running"
                : null;
            if (problem is not null)
            {
                LabResults.Error(ctx, 500, problem);
                return Results.Empty;
            }

            var fault = FaultOfScratch(g);
            var task = NewTask(node, (type == "lxc" ? "vz" : "qm") + (start ? "start" : "stop"), vmid.ToString(CultureInfo.InvariantCulture), User(ctx));
            Later(task, async ct =>
            {
                await Task.Delay(TaskDuration, ct);
                lock (_gate)
                {
                    g.Status = start ? "running" : "stopped";
                    g.AgentReadyAt = start && fault != DrillFault.NeverBoots ? DateTimeOffset.UtcNow + BootDuration : null;
                }

                if (start && fault == DrillFault.NeverBoots && type == "lxc")
                {
                    _ = Task.Delay(BootDuration, CancellationToken.None).ContinueWith(_ => { lock (_gate) { g.Status = "stopped"; } }, TaskScheduler.Default);
                }
            });
            return LabResults.Data(task.Upid);
        }
    }

    private bool MayRestoreFrom(HttpContext ctx, string archive, int target)
    {
        var storage = archive.Split(':')[0];
        var m = ArchiveVmid().Match(archive);
        var owner = !m.Success ? (int?)null : int.Parse(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, CultureInfo.InvariantCulture);
        if (Has(ctx, "Datastore.Allocate", $"/storage/{storage}") || owner == target)
        {
            return true;
        }

        if (owner is null)
        {
            LabResults.Error(ctx, 500, $"missing privileges to access {archive}");
            return false;
        }

        return Need(ctx, "Datastore.AllocateSpace", $"/storage/{storage}") && Need(ctx, "VM.Backup", $"/vms/{owner}");
    }

    /// <summary>The fault of the guest a scratch guest was restored from (its name is drill-&lt;vmid&gt;-&lt;date&gt;).</summary>
    private DrillFault FaultOfScratch(PveGuestState g) =>
        g.Restored && g.Name.Split('-') is ["drill", var src, _] && int.TryParse(src, NumberStyles.None, CultureInfo.InvariantCulture, out var vmid)
            ? _faults.GetValueOrDefault(vmid) : DrillFault.None;

    /// <summary>The guest an archive volid belongs to, if the archive is one this cluster lists.</summary>
    private PveGuestState? SourceOf(string archive, string type)
    {
        var storage = _spec.Storages.FirstOrDefault(s => archive.StartsWith(s.Storage + ":", StringComparison.Ordinal));
        if (storage is null || !ContentOf(storage, "pve1", "backup").OfType<Dictionary<string, object?>>().Any(i => (string?)i["volid"] == archive))
        {
            return null;
        }

        var m = ArchiveVmid().Match(archive);
        lock (_gate)
        {
            var id = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
            return m.Success && Guests.TryGetValue(int.Parse(id, CultureInfo.InvariantCulture), out var g) && g.Type == type ? g : null;
        }
    }

    [GeneratedRegex(@"^(ide|sata|scsi|virtio|efidisk|tpmstate)\d+$")]
    private static partial Regex DriveKey();

    [GeneratedRegex(@"(?:/(?:vm|ct)/(\d+)/|vzdump-(?:qemu|lxc)-(\d+)-)")]
    private static partial Regex ArchiveVmid();
}
