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

    /// <summary>A vzdump task that has just ended: PVE lists it under <c>source=active</c> with its exit status until it is archived.</summary>
    public string FinishedBackupTask(string node, int? vmid, string status = "OK")
    {
        var task = NewTask(node, "vzdump", vmid?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, "root@pam");
        task.EndTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        task.ExitStatus = status;
        return task.Upid;
    }

    /// <summary>A restore task by hand, still running, started <paramref name="startedAgo"/> ago (its log names the source backup).</summary>
    public string StartRestoreTask(string node, int targetVmid, int sourceVmid, TimeSpan startedAgo)
    {
        var template = LabTask.Restore(new RestoreTaskSpec { Node = node, TargetVmid = targetVmid, SourceVmid = sourceVmid, AgeHours = 0 }, DateTimeOffset.UtcNow, this);
        var task = NewTask(node, template.Type, template.Id, "root@pam", DateTimeOffset.UtcNow - startedAgo);
        task.Log.AddRange(template.Log.Where(l => !l.StartsWith("TASK ", StringComparison.Ordinal)));
        return task.Upid;
    }

    /// <summary>Ends a task started by hand: listed as active with its status for a minute, then archived.</summary>
    public void EndTask(string upid, string status = "OK") => Finish(_live[upid], status);

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
                    : (g.AgentReadyAt is null || g.AgentReadyAt > DateTimeOffset.UtcNow) && FaultOfScratch(g) == DrillFault.SlowAgent
                        ? $"VM {vmid} qmp command 'guest-ping' failed - got timeout"
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

    private LiveTask NewTask(string node, string type, string id, string user, DateTimeOffset? startedAt = null)
    {
        var pid = Interlocked.Increment(ref _taskPid);
        var start = (startedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
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
        var data = new Dictionary<string, object?>
        {
            ["upid"] = upid, ["node"] = node, ["type"] = type, ["id"] = id, ["user"] = user, ["starttime"] = start,
            ["pid"] = PidOf(upid), ["pstart"] = PstartOf(upid),
            ["status"] = exit is null ? "running" : "stopped",
        };
        if (exit is not null)
        {
            data["exitstatus"] = exit;
        }

        return data;
    }

    private static string User(HttpContext ctx) => ((TokenSpec)ctx.Items["token"]!).Id;
}
