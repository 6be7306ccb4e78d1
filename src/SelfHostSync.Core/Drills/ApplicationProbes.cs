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
    /// whether the restored config enables the guest agent. The agent refusing a command ("Agent error": a program that
    /// does not exist, <c>guest-exec</c> disabled) is thrown: it says nothing about the backup. <paramref name="progress"/>
    /// gets the outcomes so far after each probe, and when the drill ends mid-probe (its Timeout, a stop), the outcomes
    /// with the running probe cut short, before the cancellation is passed on.
    /// </summary>
    public async Task<(IReadOnlyList<ProbeOutcome> Outcomes, string? Failure)> RunAsync(
        ClusterGuest source,
        string node,
        int vmid,
        bool agent,
        Action<IReadOnlyList<ProbeOutcome>>? progress,
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
            var started = time.GetTimestamp();
            ProbeOutcome outcome;
            try
            {
                outcome = await RunOneAsync(probe, node, vmid, token);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                var seconds = Math.Round(time.GetElapsedTime(started).TotalSeconds, 1);
                progress?.Invoke([.. outcomes, new ProbeOutcome(probe.Name, ProbeState.TimedOut, null, "cut short: the drill ended", seconds)]);
                throw;
            }

            outcomes.Add(outcome);
            progress?.Invoke([.. outcomes]);
            if (outcome.State != ProbeState.Passed)
            {
                return (outcomes, $"application probe {outcome.Describe(probe.ExitCode)}");
            }
        }

        return (outcomes, null);
    }

    /// <summary>
    /// Runs the probe until it passes or its timeout runs out, <see cref="DrillSettings.PollInterval"/> apart: the agent
    /// answers early in boot, before a database has finished its crash recovery, so a first "not yet" is no verdict. The
    /// outcome is the last attempt's (its exit code and output), or a timeout when no attempt ever exited.
    /// </summary>
    private async Task<ProbeOutcome> RunOneAsync(ApplicationProbe probe, string node, int vmid, CancellationToken token)
    {
        var started = time.GetTimestamp();
        double Seconds() => Math.Round(time.GetElapsedTime(started).TotalSeconds, 1);
        using var deadline = new CancellationTokenSource(probe.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, deadline.Token);
        ProbeOutcome? last = null;
        GuestExecStatus? running = null;
        try
        {
            while (true)
            {
                try
                {
                    var pid = await cluster.ExecAsync(node, vmid, probe.Command, linked.Token);
                    running = null;
                    while (true)
                    {
                        running = await cluster.ExecStatusAsync(node, vmid, pid, linked.Token);
                        if (running.Exited)
                        {
                            break;
                        }

                        await Task.Delay(settings.PollInterval, time, linked.Token);
                    }

                    var passed = running.Signal is null && running.ExitCode == probe.ExitCode;
                    last = new ProbeOutcome(
                        probe.Name,
                        passed ? ProbeState.Passed : ProbeState.Failed,
                        running.ExitCode,
                        Excerpt(running),
                        Seconds()
                    );
                    running = null;
                    if (passed)
                    {
                        return last;
                    }
                }
                catch (GuestExecException ex) when (ex.AgentGone)
                {
                    last = new ProbeOutcome(
                        probe.Name,
                        ProbeState.Failed,
                        null,
                        settings.Redact($"the guest agent stopped answering ({ex.Message})"),
                        Seconds()
                    );
                }

                await Task.Delay(settings.PollInterval, time, linked.Token);
            }
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !token.IsCancellationRequested && ex is not GuestExecException)
        {
            // A command still running at the deadline timed out; otherwise the last attempt's failure stands.
            return running is not null || last is null
                ? new ProbeOutcome(probe.Name, ProbeState.TimedOut, null, running is null ? null : Excerpt(running), Seconds())
                : last with
                {
                    Seconds = Seconds(),
                };
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
