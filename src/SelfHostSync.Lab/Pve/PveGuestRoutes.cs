using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>One guest: its config (read, written against the digest), status, start/stop and destroy as tasks, and the guest agent.</summary>
internal sealed class PveGuestRoutes(PveClusterState s)
{
    private readonly PveConfigWriter _writer = new(s);

    public void Map(RouteGroupBuilder api)
    {
        api.MapGet("/nodes/{node}/{type}/{vmid:int}/config", (HttpContext ctx, string node, string type, int vmid) =>
        {
            lock (s.Gate)
            {
                if (!s.Find(ctx, node, type, vmid, out var guest) || !s.Need(ctx, "VM.Audit", $"/vms/{vmid}"))
                {
                    return Results.Empty;
                }

                return LabResults.Data(guest!.ToApi());
            }
        });

        api.MapPut("/nodes/{node}/{type}/{vmid:int}/config", async (HttpContext ctx, string node, string type, int vmid) =>
        {
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
            s.BeforeNextWrite?.Invoke();
            s.BeforeNextWrite = null;
            if (s.BeforeWriteTo is { } hook && hook.Vmid == vmid)
            {
                s.BeforeWriteTo = null;
                hook.Action();
            }

            lock (s.Gate)
            {
                if (!s.Find(ctx, node, type, vmid, out var guest) || !s.Need(ctx, "VM.Config.Options", $"/vms/{vmid}"))
                {
                    return Results.Empty;
                }

                return guest!.Restored ? _writer.WriteRestoredConfig(ctx, guest, fields) : _writer.WriteConfig(ctx, guest, fields);
            }
        });

        api.MapPost("/nodes/{node}/{type}/{vmid:int}/status/start", (HttpContext ctx, string node, string type, int vmid) =>
            Power(ctx, node, type, vmid, start: true)
        );
        api.MapPost("/nodes/{node}/{type}/{vmid:int}/status/stop", (HttpContext ctx, string node, string type, int vmid) =>
            Power(ctx, node, type, vmid, start: false)
        );

        api.MapGet("/nodes/{node}/{type}/{vmid:int}/status/current", (HttpContext ctx, string node, string type, int vmid) =>
        {
            lock (s.Gate)
            {
                if (!s.Find(ctx, node, type, vmid, out var g) || !s.Need(ctx, "VM.Audit", $"/vms/{vmid}"))
                {
                    return Results.Empty;
                }

                var data = new Dictionary<string, object?>
                {
                    ["vmid"] = vmid,
                    ["status"] = g!.Status,
                    ["name"] = g.Name,
                };
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
            lock (s.Gate)
            {
                if (!s.Find(ctx, node, type, vmid, out var g) || !s.Need(ctx, "VM.Allocate", $"/vms/{vmid}"))
                {
                    return Results.Empty;
                }

                if (g!.Status == "running")
                {
                    LabResults.Error(
                        ctx,
                        500,
                        type == "lxc" ? $"unable to destroy CT {vmid} - container is running" : $"VM {vmid} is running - destroy failed"
                    );
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

                var task = s.NewTask(
                    node,
                    type == "lxc" ? "vzdestroy" : "qmdestroy",
                    vmid.ToString(CultureInfo.InvariantCulture),
                    PveClusterState.AuthId(ctx)
                );
                PveClusterState.Later(task, async ct =>
                {
                    await Task.Delay(s.TaskDuration, ct);
                    lock (s.Gate)
                    {
                        if (s.Guests.Remove(vmid, out var gone))
                        {
                            s.Destroyed[vmid] = gone;
                        }
                    }

                    task.Log.Add($"purging VM {vmid} from related configurations..");
                });
                return LabResults.Data(task.Upid);
            }
        });
    }

    private IResult Power(HttpContext ctx, string node, string type, int vmid, bool start)
    {
        lock (s.Gate)
        {
            if (!s.Find(ctx, node, type, vmid, out var g) || !s.Need(ctx, "VM.PowerMgmt", $"/vms/{vmid}"))
            {
                return Results.Empty;
            }

            var kind = type == "lxc" ? "CT" : "VM";
            var problem =
                g!.Lock is { } held ? $"{kind} is locked ({held})"
                : start && g.Status == "running" ? $"{kind} {vmid} already running"
                : !start && type == "lxc" && g.Status != "running" ? $"CT {vmid} not running"
                : null;
            if (problem is not null)
            {
                LabResults.Error(ctx, 500, problem);
                return Results.Empty;
            }

            var fault = FaultOfScratch(g);
            var task = s.NewTask(
                node,
                (type == "lxc" ? "vz" : "qm") + (start ? "start" : "stop"),
                vmid.ToString(CultureInfo.InvariantCulture),
                PveClusterState.AuthId(ctx)
            );
            PveClusterState.Later(task, async ct =>
            {
                await Task.Delay(s.TaskDuration, ct);
                lock (s.Gate)
                {
                    g.Status = start ? "running" : "stopped";
                    g.AgentReadyAt = start && fault != DrillFault.NeverBoots ? DateTimeOffset.UtcNow + s.BootDuration : null;
                }

                if (start && fault == DrillFault.NeverBoots && type == "lxc")
                {
                    _ = Task.Delay(s.BootDuration, CancellationToken.None)
                        .ContinueWith(
                            _ =>
                            {
                                lock (s.Gate)
                                {
                                    g.Status = "stopped";
                                }
                            },
                            TaskScheduler.Default
                        );
                }
            });
            return LabResults.Data(task.Upid);
        }
    }

    private DrillFault FaultOfScratch(PveGuestState g) => s.FaultOf(g);
}
