using SelfHostSync.Core.Text;

namespace SelfHostSync.Core.Drills;

/// <summary>Waiting: on PVE tasks, on the guest agent, on a guest that should still be running; and what a timeout means.</summary>
internal sealed class DrillWaits(IDrillCluster cluster, DrillSettings settings, TimeProvider time)
{
    public async Task<(bool Ok, string Detail)> AgentProbeAsync(string node, string type, int vmid, CancellationToken token)
    {
        while (true)
        {
            switch (await cluster.PingAgentAsync(node, vmid, token))
            {
                case AgentAnswer.Answered:
                    return (true, "guest agent answered");
                case AgentAnswer.NotConfigured:
                    var running = await StillRunningAsync(node, type, vmid, token);
                    return (running.Ok, $"no guest agent configured; {running.Detail}");
            }

            var status = await cluster.StatusAsync(node, type, vmid, token);
            if (status != "running")
            {
                return (false, $"guest stopped while booting (status {status})");
            }

            await Task.Delay(settings.PollInterval, time, token);
        }
    }

    public async Task<(bool Ok, string Detail)> StillRunningAsync(string node, string type, int vmid, CancellationToken token)
    {
        await Task.Delay(settings.RunningTime, time, token);
        var status = await cluster.StatusAsync(node, type, vmid, token);
        var after = Durations.Format(settings.RunningTime);
        return status == "running" ? (true, $"still running {after} after start") : (false, $"not running {after} after start (status {status})");
    }

    public async Task<DrillTaskStatus> WaitAsync(string node, string upid, CancellationToken token)
    {
        while (true)
        {
            var status = await cluster.TaskAsync(node, upid, token);
            if (status.State != DrillTaskState.Running)
            {
                return status;
            }

            await Task.Delay(settings.PollInterval, time, token);
        }
    }

    public string TimeoutReason(string phase) =>
        $"timed out after {Durations.Format(settings.Timeout)} in phase {phase}"
        + phase switch
        {
            "restore" => ": the restore task never finished",
            "probe" => settings.Probe == DrillProbe.Agent ? ": the guest agent never answered (the guest never booted?)" : string.Empty,
            "app-probe" => ": the application probes did not finish",
            _ => string.Empty,
        };
}
