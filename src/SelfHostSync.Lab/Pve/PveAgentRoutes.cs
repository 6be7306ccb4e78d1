using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;

namespace SelfHostSync.Lab.Pve;

/// <summary>What a command does in a restored guest of the lab: its exit code and output, or that it never exits.</summary>
public sealed record LabCommand(int ExitCode, string? Output = null, string? Errors = null, bool Hangs = false);

/// <summary>
/// The QEMU guest agent of a guest as qemu-server's Agent.pm serves it: ping, and exec / exec-status. Same checks in the
/// same order (privilege first, then "No QEMU guest agent configured", "VM N is not running", "QEMU guest agent is not
/// running"); PVE 9's privileges (exec needs <c>VM.GuestAgent.Unrestricted</c>); errors as 500 with the agent's words;
/// a finished command's pid is forgotten once its exit has been reported, as qemu-ga does.
/// </summary>
internal sealed class PveAgentRoutes(PveClusterState s)
{
    /// <summary>Commands every restored guest knows, unless a test says otherwise for its source guest.</summary>
    private static readonly Dictionary<string, LabCommand> Defaults = new(StringComparer.Ordinal)
    {
        ["systemctl"] = new(0, "running\n"),
        ["true"] = new(0),
        ["false"] = new(1),
    };

    public void Map(RouteGroupBuilder api)
    {
        api.MapPost("/nodes/{node}/qemu/{vmid:int}/agent/ping", (HttpContext ctx, string node, int vmid) =>
        {
            lock (s.Gate)
            {
                if (!s.Find(ctx, node, "qemu", vmid, out var g) || !NeedAny(ctx, vmid, "VM.GuestAgent.Audit", "VM.GuestAgent.Unrestricted"))
                {
                    return Results.Empty;
                }

                var error = AgentProblem(g!, vmid, ping: true);
                if (error is not null)
                {
                    LabResults.Error(ctx, 500, error);
                    return Results.Empty;
                }

                return LabResults.Data(new { result = new { } });
            }
        });

        api.MapPost("/nodes/{node}/qemu/{vmid:int}/agent/exec", async (HttpContext ctx, string node, int vmid) =>
        {
            var command = await CommandOf(ctx);
            lock (s.Gate)
            {
                if (!s.Find(ctx, node, "qemu", vmid, out var g) || !s.Need(ctx, "VM.GuestAgent.Unrestricted", $"/vms/{vmid}"))
                {
                    return Results.Empty;
                }

                if (command is not { Count: > 0 })
                {
                    LabResults.Error(ctx, 400, "Parameter verification failed. command: property is missing and it is not optional");
                    return Results.Empty;
                }

                var error = AgentProblem(g!, vmid, ping: false);
                if (error is null && s.FaultOf(g!) == DrillFault.GuestExecDisabled)
                {
                    // qemu qmp-dispatch for a command in --block-rpcs, passed on by Agent.pm's check_agent_error.
                    error = "Agent error: The command guest-exec has been disabled for this instance";
                }

                var answer = Answer(g!, command[0]);
                if (error is null && answer is null)
                {
                    error = $"Agent error: Failed to execute child process “{command[0]}” (No such file or directory)";
                }

                if (error is not null)
                {
                    LabResults.Error(ctx, 500, error);
                    return Results.Empty;
                }

                var pid = g!.NextPid++;
                g.Execs[pid] = answer!;
                g.ExecLog.Add(string.Join(' ', command));
                if (s.FaultOf(g) == DrillFault.AgentLostDuringProbe)
                {
                    g.AgentReadyAt = null; // the agent dies under the command: every later call says so
                }

                return LabResults.Data(new { pid });
            }
        });

        api.MapGet("/nodes/{node}/qemu/{vmid:int}/agent/exec-status", (HttpContext ctx, string node, int vmid, int pid) =>
        {
            lock (s.Gate)
            {
                if (!s.Find(ctx, node, "qemu", vmid, out var g) || !s.Need(ctx, "VM.GuestAgent.Unrestricted", $"/vms/{vmid}"))
                {
                    return Results.Empty;
                }

                var error = AgentProblem(g!, vmid, ping: false)
                    ?? (g!.Execs.ContainsKey(pid) ? null : string.Create(CultureInfo.InvariantCulture, $"Agent error: PID {pid} does not exist"));
                if (error is not null)
                {
                    LabResults.Error(ctx, 500, error);
                    return Results.Empty;
                }

                var run = g!.Execs[pid];
                if (run.Hangs)
                {
                    return LabResults.Data(new Dictionary<string, object> { ["exited"] = 0 });
                }

                g.Execs.Remove(pid);
                var data = new Dictionary<string, object> { ["exited"] = 1, ["exitcode"] = run.ExitCode };
                if (!string.IsNullOrEmpty(run.Output))
                {
                    data["out-data"] = run.Output;
                }

                if (!string.IsNullOrEmpty(run.Errors))
                {
                    data["err-data"] = run.Errors;
                }

                return LabResults.Data(data);
            }
        });
    }

    private bool NeedAny(HttpContext ctx, int vmid, string first, string second) =>
        s.Has(ctx, second, $"/vms/{vmid}") || s.Need(ctx, first, $"/vms/{vmid}");

    /// <summary>Agent.pm's checks, in its order; a booting guest's ping may also fail with a QMP timeout.</summary>
    private string? AgentProblem(PveGuestState g, int vmid, bool ping)
    {
        var booting = g.AgentReadyAt is null || g.AgentReadyAt > DateTimeOffset.UtcNow;
        return !g.Config.ContainsKey("agent") ? "No QEMU guest agent configured"
            : g.Status != "running" ? $"VM {vmid} is not running"
            : ping && booting && s.FaultOf(g) == DrillFault.SlowAgent ? $"VM {vmid} qmp command 'guest-ping' failed - got timeout"
            : booting ? "QEMU guest agent is not running"
            : null;
    }

    private LabCommand? Answer(PveGuestState g, string program) =>
        PveClusterState.SourceOf(g) is { } source && s.Commands.TryGetValue(source, out var set) && set.TryGetValue(program, out var answer)
            ? answer
            : Defaults.GetValueOrDefault(program);

    /// <summary>The <c>command</c> array: from a JSON body, or repeated form keys (pve-http-server accepts both).</summary>
    private static async Task<List<string>?> CommandOf(HttpContext ctx)
    {
        if (ctx.Request.HasJsonContentType())
        {
            using var body = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            return body.RootElement.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.Array
                ? [.. c.EnumerateArray().Select(e => e.GetString() ?? string.Empty)]
                : null;
        }

        if (!ctx.Request.HasFormContentType)
        {
            return null;
        }

        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        return form.TryGetValue("command", out var values) ? [.. values.Select(v => v ?? string.Empty)] : null;
    }
}
