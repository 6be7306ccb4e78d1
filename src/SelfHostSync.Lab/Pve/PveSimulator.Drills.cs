using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>
/// What restore drills need, as PVE does it: restore into a new VMID as a task (a <c>lock: create</c> stub until the
/// data is in, overrides applied last), start/stop/destroy as tasks, the guest agent, task status and stopping a task.
/// </summary>
public sealed partial class PveSimulator
{
    private static int _taskPid = 0x4000;
    private readonly ConcurrentDictionary<string, LiveTask> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, DrillFault> _faults = new();

    /// <summary>Guests destroyed through the API, by VMID (the last one), so tests can still read what was written to them.</summary>
    internal Dictionary<int, PveGuestState> Destroyed { get; } = [];

    /// <summary>How long restore, start, stop and destroy tasks take.</summary>
    public TimeSpan TaskDuration { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>From start until the guest agent answers.</summary>
    public TimeSpan BootDuration { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Makes drills of <paramref name="sourceVmid"/> fail in the given way.</summary>
    public void SetDrillFault(int sourceVmid, DrillFault fault) => _faults[sourceVmid] = fault;

    /// <summary>Whether a guest with this VMID exists.</summary>
    public bool Exists(int vmid)
    {
        lock (_gate)
        {
            return Guests.ContainsKey(vmid);
        }
    }

    /// <summary>A vzdump task running on <paramref name="node"/> (a job over several guests has an empty id) until stopped.</summary>
    public string StartBackupTask(string node, int? vmid)
    {
        var task = NewTask(node, "vzdump", vmid?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, "root@pam");
        return task.Upid;
    }

    /// <summary>Ends every running vzdump task.</summary>
    public void FinishBackupTasks()
    {
        foreach (var t in _live.Values.Where(t => t.Type == "vzdump" && t.ExitStatus is null))
        {
            Finish(t, "OK");
        }
    }

    private void MapDrills(RouteGroupBuilder api)
    {
        foreach (var type in new[] { "qemu", "lxc" })
        {
            api.MapPost($"/nodes/{{node}}/{type}", async (HttpContext ctx, string node) =>
            {
                var form = (await ctx.Request.ReadFormAsync(ctx.RequestAborted)).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
                return Restore(ctx, node, type, form);
            });
        }

        api.MapPost("/nodes/{node}/{type}/{vmid:int}/status/start", (HttpContext ctx, string node, string type, int vmid) => Power(ctx, node, type, vmid, start: true));
        api.MapPost("/nodes/{node}/{type}/{vmid:int}/status/stop", (HttpContext ctx, string node, string type, int vmid) => Power(ctx, node, type, vmid, start: false));

        api.MapGet("/nodes/{node}/{type}/{vmid:int}/status/current", (HttpContext ctx, string node, string type, int vmid) =>
        {
            lock (_gate)
            {
                if (!Find(ctx, node, type, vmid, out var g) || !Need(ctx, "VM.Audit", $"/vms/{vmid}"))
                {
                    return Results.Empty;
                }

                var data = new Dictionary<string, object?> { ["vmid"] = vmid, ["status"] = g!.Status, ["name"] = g.Name };
                if (g.Lock is not null)
                {
                    data["lock"] = g.Lock;
                }

                if (g.Config.ContainsKey("agent"))
                {
                    data["agent"] = 1;
                }

                return LabResults.Data(data);
            }
        });

        api.MapDelete("/nodes/{node}/{type}/{vmid:int}", (HttpContext ctx, string node, string type, int vmid) =>
        {
            lock (_gate)
            {
                if (!Find(ctx, node, type, vmid, out var g) || !Need(ctx, "VM.Allocate", $"/vms/{vmid}"))
                {
                    return Results.Empty;
                }

                if (g!.Status == "running")
                {
                    LabResults.Error(ctx, 500, type == "lxc" ? $"unable to destroy CT {vmid} - container is running" : $"VM {vmid} is running - destroy failed");
                    return Results.Empty;
                }

                if (g.Lock is { } held)
                {
                    LabResults.Error(ctx, 500, $"{(type == "lxc" ? "CT" : "VM")} is locked ({held})");
                    return Results.Empty;
                }

                if (g.Config.GetValueOrDefault("protection") == "1")
                {
                    LabResults.Error(ctx, 500, $"can't remove {(type == "lxc" ? "CT" : "VM")} {vmid} - protection mode enabled");
                    return Results.Empty;
                }

                var task = NewTask(node, type == "lxc" ? "vzdestroy" : "qmdestroy", vmid.ToString(CultureInfo.InvariantCulture), User(ctx));
                Later(task, async ct =>
                {
                    await Task.Delay(TaskDuration, ct);
                    lock (_gate)
                    {
                        if (Guests.Remove(vmid, out var gone))
                        {
                            Destroyed[vmid] = gone;
                        }
                    }

                    task.Log.Add($"purging VM {vmid} from related configurations..");
                });
                return LabResults.Data(task.Upid);
            }
        });

        api.MapPost("/nodes/{node}/qemu/{vmid:int}/agent/ping", (HttpContext ctx, string node, int vmid) =>
        {
            lock (_gate)
            {
                if (!Find(ctx, node, "qemu", vmid, out var g) || !Need(ctx, "VM.GuestAgent.Audit", $"/vms/{vmid}"))
                {
                    return Results.Empty;
                }

                string? error = !g!.Config.ContainsKey("agent") ? "No QEMU guest agent configured"
                    : g.Status != "running" ? $"VM {vmid} is not running"
                    : g.AgentReadyAt is null || g.AgentReadyAt > DateTimeOffset.UtcNow ? "QEMU guest agent is not running"
                    : null;
                if (error is not null)
                {
                    LabResults.Error(ctx, 500, error);
                    return Results.Empty;
                }

                return LabResults.Data(new { result = new { } });
            }
        });

        api.MapGet("/nodes/{node}/tasks/{upid}/status", (HttpContext ctx, string node, string upid) =>
        {
            if (_live.TryGetValue(upid, out var live) && live.Node == node)
            {
                return LabResults.Data(StatusOf(live.Upid, live.Node, live.Type, live.Id, live.User, live.StartTime, live.ExitStatus));
            }

            var done = _tasks.FirstOrDefault(t => t.Upid == upid && t.Node == node);
            if (done is null)
            {
                LabResults.Error(ctx, 500, "no such task");
                return Results.Empty;
            }

            return LabResults.Data(StatusOf(done.Upid, done.Node, done.Type, done.Id, done.User, done.StartTime, done.Status));
        });

        api.MapDelete("/nodes/{node}/tasks/{upid}", (HttpContext ctx, string node, string upid) =>
        {
            if (!_live.TryGetValue(upid, out var live) || live.Node != node)
            {
                LabResults.Error(ctx, 500, "no such task");
                return Results.Empty;
            }

            if (live.User != User(ctx) && !Need(ctx, "Sys.Modify", $"/nodes/{node}"))
            {
                return Results.Empty;
            }

            live.Stop.Cancel();
            return LabResults.Data(null);
        });
    }

    private IResult Restore(HttpContext ctx, string node, string type, Dictionary<string, string> form)
    {
        var archive = form.GetValueOrDefault(type == "lxc" ? "ostemplate" : "archive");
        if (!int.TryParse(form.GetValueOrDefault("vmid"), NumberStyles.None, CultureInfo.InvariantCulture, out var vmid) || archive is null
            || (type == "lxc" && form.GetValueOrDefault("restore") != "1"))
        {
            LabResults.Error(ctx, 400, "lab: only restores are simulated (vmid and archive/ostemplate+restore=1 required)");
            return Results.Empty;
        }

        if (!Need(ctx, "VM.Allocate", $"/vms/{vmid}") || !Need(ctx, "Datastore.AllocateSpace", $"/storage/{form.GetValueOrDefault("storage")}"))
        {
            return Results.Empty;
        }

        var drive = form.Keys.FirstOrDefault(k => DriveKey().IsMatch(k));
        if (drive is not null)
        {
            ctx.Response.StatusCode = 400;
            return Results.Json(new { data = (object?)null, errors = new Dictionary<string, string> { [drive] = "option conflicts with option 'archive'" } }, statusCode: 400);
        }

        var target = _spec.Storages.FirstOrDefault(s => s.Storage == form.GetValueOrDefault("storage"));
        if (!_spec.Nodes.Contains(node) || target is null || !target.Content.Contains(type == "lxc" ? "rootdir" : "images", StringComparison.Ordinal))
        {
            LabResults.Error(ctx, 500, $"storage '{form.GetValueOrDefault("storage")}' does not exist or cannot hold {type} disks");
            return Results.Empty;
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

            lock (_gate)
            {
                var g = Guests[vmid];
                g.Config.Clear();
                foreach (var (k, v) in source.Config.Where(kv => kv.Key is not ("lock" or "tags")))
                {
                    g.Config[k] = DriveKey().IsMatch(k) || k == "rootfs" ? $"{target.Storage}:vm-{vmid}-disk-0,size=8G" : v;
                }

                foreach (var (k, v) in form.Where(kv => kv.Key is not ("vmid" or "archive" or "ostemplate" or "restore" or "storage" or "unique" or "start" or "force" or "pool")))
                {
                    g.Config[k] = k == "tags" ? Canonical(v) : v;
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

    /// <summary>The fault of the guest a scratch guest was restored from (its name is drill-&lt;vmid&gt;-&lt;date&gt;).</summary>
    private DrillFault FaultOfScratch(PveGuestState g) =>
        g.Restored && g.Name.Split('-') is ["drill", var src, _] && int.TryParse(src, NumberStyles.None, CultureInfo.InvariantCulture, out var vmid)
            ? _faults.GetValueOrDefault(vmid) : DrillFault.None;

    /// <summary>The guest an archive volid belongs to, if the archive is one this cluster lists.</summary>
    private PveGuestState? SourceOf(string archive, string type)
    {
        var storage = _spec.Storages.FirstOrDefault(s => archive.StartsWith(s.Storage + ":", StringComparison.Ordinal));
        if (storage is null || !ContentOf(storage, "backup").OfType<Dictionary<string, object?>>().Any(i => (string?)i["volid"] == archive))
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

    private LiveTask NewTask(string node, string type, string id, string user)
    {
        var pid = Interlocked.Increment(ref _taskPid);
        var start = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var task = new LiveTask { Upid = Upid(node, pid, start, type, id, user), Node = node, Type = type, Id = id, User = user, StartTime = start };
        _live[task.Upid] = task;
        return task;
    }

    private static void Later(LiveTask task, Func<CancellationToken, Task> work) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await work(task.Stop.Token);
                Finish(task, "OK");
            }
            catch (OperationCanceledException)
            {
                task.Log.Add("received interrupt");
                Finish(task, "interrupted by signal");
            }
            catch (Exception ex)
            {
                Finish(task, ex.Message);
            }
        });

    private static void Finish(LiveTask task, string exit)
    {
        task.Log.Add(exit == "OK" ? "TASK OK" : $"TASK ERROR: {exit}");
        task.EndTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        task.ExitStatus = exit;
    }

    private static object StatusOf(string upid, string node, string type, string id, string user, long start, string? exit)
    {
        var parts = upid.Split(':');
        var data = new Dictionary<string, object?>
        {
            ["upid"] = upid, ["node"] = node, ["type"] = type, ["id"] = id, ["user"] = user, ["starttime"] = start,
            ["pid"] = int.Parse(parts[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            ["pstart"] = long.Parse(parts[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            ["status"] = exit is null ? "running" : "stopped",
        };
        if (exit is not null)
        {
            data["exitstatus"] = exit;
        }

        return data;
    }

    private static string User(HttpContext ctx) => ((TokenSpec)ctx.Items["token"]!).Id;

    [GeneratedRegex(@"^(ide|sata|scsi|virtio|efidisk|tpmstate)\d+$")]
    private static partial Regex DriveKey();

    [GeneratedRegex(@"(?:/(?:vm|ct)/(\d+)/|vzdump-(?:qemu|lxc)-(\d+)-)")]
    private static partial Regex ArchiveVmid();
}
