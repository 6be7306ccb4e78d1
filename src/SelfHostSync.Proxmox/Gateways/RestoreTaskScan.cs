using System.Collections.Concurrent;
using System.Globalization;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// Finished qmrestore/vzrestore tasks of a cluster's nodes, each log read once. PVE's node task list
/// (<c>Tasks.pm</c>) filters by exact type and by start time (<c>since</c>), and with <c>source=all</c> lists the
/// active tasks (running, or ended and not yet archived) before the archive (about the newest 1,000–2,000 tasks of
/// every kind). One listing per node and pass: everything since the newest start the last listing held, or since the
/// oldest restore it saw unfinished, whichever is earlier (the first: everything); a listing that reaches the limit
/// (console opens and backups fill the archive) is followed by one listing per restore type. What was seen is kept across
/// processes (decision 012): the starting points, and the tasks seen after them.
/// </summary>
internal sealed class RestoreTaskScan(PveCluster cluster, IPveApi api, SourceId source, KeptSlot? slot, TimeProvider time)
{
    private const int Limit = 1000;
    private static readonly string[] Types = ["qmrestore", "vzrestore"];
    private readonly ConcurrentDictionary<string, long> _since = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RestoreTest?> _tasks = new(StringComparer.Ordinal);
    private bool _recalled;

    private ProxmoxEndpoint Endpoint => cluster.Endpoint;

    /// <summary>Lists every node from the start again (what the token may see changed); known tasks stay known.</summary>
    public void Restart()
    {
        Recall();
        _since.Clear();
    }

    public async Task<IReadOnlyList<RestoreTest>> ReadAsync(
        IReadOnlyList<string> nodes,
        TokenPermissions? permissions,
        ConcurrentBag<EvidenceGap> gaps,
        CancellationToken cancellationToken
    )
    {
        Recall();
        var tests = new List<RestoreTest>();
        var changed = false;
        foreach (var node in nodes)
        {
            // Tasks.pm: without Sys.Audit on the node the list holds only the token's own tasks, without an error.
            if (permissions?.Has("Sys.Audit", $"/nodes/{node}") == false)
            {
                gaps.Add(
                    new EvidenceGap(
                        new EvidenceScope(EvidenceKind.RestoreTests, cluster.Name, $"tasks of node {node}"),
                        source.ToString(),
                        $"PVE lists only the token's own tasks on {node} without Sys.Audit on /nodes/{node}: restores by others are hidden"
                    )
                );
            }

            long? since = _since.TryGetValue(node, out var s) ? s : null;
            var listed = await ListAsync(node, null, since, cancellationToken);
            var restores = listed.Where(IsRestore).ToList();
            if (listed.Count >= Limit)
            {
                // More tasks than one listing holds (console opens and backups fill the archive): restores by type.
                restores = [];
                foreach (var type in Types)
                {
                    restores.AddRange(await ListAsync(node, type, since, cancellationToken));
                }
            }

            await AddAsync(node, restores, tests, cancellationToken);
            changed |= Advance(node, listed, restores);
        }

        if (changed)
        {
            Keep();
        }

        return tests;
    }

    private static bool IsRestore(TaskDto task) => task.Type is "qmrestore" or "vzrestore";

    private static bool Finished(TaskDto task) => task.EndTime is not null && task.Status is not null and not "RUNNING";

    /// <summary>
    /// The next listing starts at the newest start this one held (every task that starts later starts after it), or at
    /// the oldest restore still unfinished, whichever is earlier. A listing that held nothing leaves the start as it was.
    /// </summary>
    private bool Advance(string node, List<TaskDto> listed, List<TaskDto> restores)
    {
        var newest = listed.Select(t => t.StartTime).Concat(restores.Select(t => t.StartTime)).Max();
        if (newest is null)
        {
            return false;
        }

        var next = restores.Where(t => !Finished(t) && t.StartTime is not null).Select(t => t.StartTime!.Value).Append(newest.Value).Min();
        if (_since.TryGetValue(node, out var was) && was == next)
        {
            return false;
        }

        _since[node] = next;
        return true;
    }

    private async Task<List<TaskDto>> ListAsync(string node, string? type, long? since, CancellationToken cancellationToken)
    {
        var what = type is null ? $"GET /nodes/{node}/tasks" : $"GET /nodes/{node}/tasks?typefilter={type}";
        return await ProxmoxClients.Call(Endpoint, what, async () =>
            ProxmoxClients.Require(Endpoint, what, (await api.GetTasksAsync(node, Limit, since, type, "all", cancellationToken)).Data)
        );
    }

    private async Task AddAsync(string node, List<TaskDto> tasks, List<RestoreTest> tests, CancellationToken cancellationToken)
    {
        foreach (var task in tasks)
        {
            if (task.Upid is null || !IsRestore(task) || !Finished(task))
            {
                continue;
            }

            if (
                int.TryParse(task.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var target)
                && cluster.ScratchRange?.Contains(target) == true
            )
            {
                // A drill's own restore: the drill record (restore, boot, probe) is the stronger evidence.
                continue;
            }

            if (!_tasks.TryGetValue(task.Upid, out var test))
            {
                test = await TestOfAsync(node, task, cancellationToken);
                _tasks[task.Upid] = test;
            }

            if (test is not null)
            {
                tests.Add(test);
            }
        }
    }

    private async Task<RestoreTest?> TestOfAsync(string node, TaskDto task, CancellationToken cancellationToken)
    {
        var what = $"GET /nodes/{node}/tasks/{{upid}}/log";
        var log = await ProxmoxClients.Call(Endpoint, what, async () =>
            ProxmoxClients.Require(Endpoint, what, (await api.GetTaskLogAsync(node, task.Upid!, 0, cancellationToken)).Data)
        );
        var restored = RestoreLogParser.Parse(log.Select(l => l.T ?? string.Empty));
        if (restored is null)
        {
            return null;
        }

        var passed = task.Status == "OK" || task.Status!.StartsWith("WARNINGS", StringComparison.Ordinal);
        return new RestoreTest(
            task.Upid!,
            new GuestKey(cluster.Name, restored.Vmid),
            RestoreTestKind.Task,
            Wire.Epoch(task.EndTime!.Value),
            passed,
            restored.Archive,
            string.Create(CultureInfo.InvariantCulture, $"{node}/{task.Id}"),
            passed ? null : task.Status
        );
    }

    private void Recall()
    {
        if (_recalled)
        {
            return;
        }

        _recalled = true;
        if (slot?.TryRecall<Kept>(out var kept, out _) == true)
        {
            foreach (var (node, since) in kept.Since)
            {
                _since.TryAdd(node, since);
            }

            foreach (var (upid, test) in kept.Tasks)
            {
                _tasks.TryAdd(upid, test);
            }
        }
    }

    /// <summary>Keeps the starting points and the tasks a listing from them can still hold; older ones are forgotten.</summary>
    private void Keep()
    {
        var oldest = _since.IsEmpty ? long.MaxValue : _since.Values.Min();
        foreach (var upid in _tasks.Keys.Where(u => StartOf(u) is { } start && start < oldest).ToList())
        {
            _tasks.TryRemove(upid, out _);
        }

        slot?.Keep(new Kept(new Dictionary<string, long>(_since), new Dictionary<string, RestoreTest?>(_tasks)), time.GetUtcNow());
    }

    /// <summary>The start time a UPID carries (<c>UPID:node:pid:pstart:starttime:…</c>, hexadecimal).</summary>
    private static long? StartOf(string upid)
    {
        var parts = upid.Split(':');
        return parts.Length > 4 && long.TryParse(parts[4], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start) ? start : null;
    }

    private sealed record Kept(Dictionary<string, long> Since, Dictionary<string, RestoreTest?> Tasks);
}
