namespace SelfHostSync.Core.Drills;

/// <summary>
/// Runs the application probes that apply to a drilled guest inside its scratch copy, one after the other, each with its
/// own timeout; stops at the first that fails. Output is cut to a short excerpt and redacted before it is kept.
/// </summary>
public sealed class ApplicationProbes(IDrillCluster cluster, DrillSettings settings, TimeProvider time)
{
    private const int ExcerptLength = 200;

    /// <summary>
    /// The outcomes, and why the drill fails (null: every probe passed, or none could run). <paramref name="agent"/>:
    /// whether the restored guest has a guest agent that answered.
    /// </summary>
    public async Task<(IReadOnlyList<ProbeOutcome> Outcomes, string? Failure)> RunAsync(
        ClusterGuest source,
        string node,
        int vmid,
        bool agent,
        CancellationToken token
    )
    {
        var probes = settings.ApplicationProbes.Where(p => p.AppliesTo(source)).ToList();
        if (probes.Count == 0)
        {
            return ([], null);
        }

        if (source.Type != "qemu" || !agent)
        {
            var why =
                source.Type != "qemu"
                    ? "not available for containers (PVE has no API to run a command in one)"
                    : "no guest agent in the restored config";
            return ([.. probes.Select(p => new ProbeOutcome(p.Name, ProbeState.NotAvailable, null, why, 0))], null);
        }

        var outcomes = new List<ProbeOutcome>();
        foreach (var probe in probes)
        {
            var outcome = await RunOneAsync(probe, node, vmid, token);
            outcomes.Add(outcome);
            if (outcome.State != ProbeState.Passed)
            {
                return (outcomes, $"application probe {outcome.Describe(probe.ExitCode)}");
            }
        }

        return (outcomes, null);
    }

    private async Task<ProbeOutcome> RunOneAsync(ApplicationProbe probe, string node, int vmid, CancellationToken token)
    {
        var started = time.GetTimestamp();
        double Seconds() => Math.Round(time.GetElapsedTime(started).TotalSeconds, 1);
        using var deadline = new CancellationTokenSource(probe.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, deadline.Token);
        GuestExecStatus? last = null;
        try
        {
            var pid = await cluster.ExecAsync(node, vmid, probe.Command, linked.Token);
            while (true)
            {
                last = await cluster.ExecStatusAsync(node, vmid, pid, linked.Token);
                if (last.Exited)
                {
                    var passed = last.Signal is null && last.ExitCode == probe.ExitCode;
                    return new ProbeOutcome(probe.Name, passed ? ProbeState.Passed : ProbeState.Failed, last.ExitCode, Excerpt(last), Seconds());
                }

                await Task.Delay(settings.PollInterval, time, linked.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !token.IsCancellationRequested)
        {
            return new ProbeOutcome(probe.Name, ProbeState.TimedOut, null, last is null ? null : Excerpt(last), Seconds());
        }
        catch (GuestExecException ex)
        {
            return new ProbeOutcome(
                probe.Name,
                ProbeState.Failed,
                null,
                settings.Redact(ex.AgentGone ? $"the guest agent stopped answering ({ex.Message})" : ex.Message),
                Seconds()
            );
        }
    }

    /// <summary>The last lines of what the command printed (errors after output), on one line, redacted, at most 200 characters.</summary>
    private string? Excerpt(GuestExecStatus status)
    {
        var text = string.Join(
            " ",
            $"{status.Output}\n{status.Errors}".Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        );
        if (status.Signal is { } signal)
        {
            text = $"killed by signal {signal}{(text.Length > 0 ? "; " : string.Empty)}{text}";
        }

        text = settings.Redact(text);
        return text.Length == 0 ? null
            : text.Length <= ExcerptLength ? text
            : "…" + text[^(ExcerptLength - 1)..];
    }
}
