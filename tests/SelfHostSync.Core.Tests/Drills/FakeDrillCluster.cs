using System.Collections.Concurrent;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Evidence;

namespace SelfHostSync.Core.Tests.Drills;

/// <summary>An in-memory cluster for drill tests: tasks finish when asked, faults on demand, every guest-naming call checked.</summary>
internal sealed class FakeDrillCluster : IDrillCluster
{
    private int _task;

    public List<ClusterGuest> Guests { get; } = [];

    public Dictionary<int, Dictionary<string, string>> Configs { get; } = [];

    public Dictionary<string, DrillTaskStatus> Tasks { get; } = [];

    public List<string> Calls { get; } = [];

    public VmidRange Range { get; init; } = new(9900, 9999);

    public BackupArchive? Archive { get; set; } =
        new("pbs:backup/vm/100/2026-11-25T02:00:00Z", "pbs", new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));

    public bool BackupRunning { get; set; }

    public DrillTaskStatus RestoreResult { get; set; } = new(DrillTaskState.Ok, "OK");

    public bool RestoreTagsGuest { get; set; } = true;

    public bool AgentAnswers { get; set; } = true;

    /// <summary>Merged into the restored config (e.g. <c>agent: 0</c>, <c>args</c>).</summary>
    public Dictionary<string, string> ExtraConfig { get; } = [];

    public Exception? RestoreThrows { get; set; }

    public Exception? StartThrows { get; set; }

    public ConcurrentBag<int> OutsideRange { get; } = [];

    public Task<IReadOnlyList<ClusterGuest>> GuestsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ClusterGuest>>(Guests.ToList());

    public Task<bool> BackupRunningAsync(ClusterGuest source, CancellationToken cancellationToken) => Task.FromResult(BackupRunning);

    public Task<BackupArchive?> NewestBackupAsync(ClusterGuest source, string node, CancellationToken cancellationToken) => Task.FromResult(Archive);

    public IReadOnlyList<string> Blockers { get; set; } = [];

    public StorageSpace Space { get; set; } = new(1000L << 30, 900L << 30, true);

    public Task<StorageSpace> TargetSpaceAsync(string node, string storage, CancellationToken cancellationToken) => Task.FromResult(Space);

    public Task<IReadOnlyList<string>> RestoreBlockersAsync(
        ClusterGuest source,
        string node,
        DrillIsolation isolation,
        CancellationToken cancellationToken
    ) => Task.FromResult(Blockers);

    public Task<string> RestoreAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        Touch("restore", request.ScratchVmid);
        if (RestoreThrows is not null)
        {
            throw RestoreThrows;
        }

        var config = new Dictionary<string, string> { ["memory"] = "128", ["lock"] = "create" };
        Configs[request.ScratchVmid] = config;
        Guests.Add(new ClusterGuest(request.ScratchVmid, request.Node, request.Type, null, [], "create", "stopped", false));
        var upid = NewTask(RestoreResult);
        if (RestoreResult.State == DrillTaskState.Ok)
        {
            config.Remove("lock");
            config["name"] = request.Name;
            config["net0"] = "virtio=BC:24:11:00:00:01,bridge=vmbr0";
            config["hostpci0"] = "0000:01:00";
            config["agent"] = "1";
            foreach (var (k, v) in ExtraConfig)
            {
                config[k] = v;
            }

            if (RestoreTagsGuest)
            {
                config["tags"] = DrillSettings.Tag;
            }

            Replace(request.ScratchVmid, g => g with { Lock = null, Tags = RestoreTagsGuest ? [DrillSettings.Tag] : [], Name = request.Name });
        }
        else if (RestoreResult.State == DrillTaskState.Failed)
        {
            config.Remove("lock");
        }

        return Task.FromResult(upid);
    }

    public Task<DrillTaskStatus> TaskAsync(string node, string upid, CancellationToken cancellationToken) => Task.FromResult(Tasks[upid]);

    public Task StopTaskAsync(string node, string upid, CancellationToken cancellationToken)
    {
        Calls.Add("stop-task");
        Tasks[upid] = new DrillTaskStatus(DrillTaskState.Failed, "interrupted by signal");
        foreach (var (vmid, config) in Configs)
        {
            config.Remove("lock");
        }

        return Task.CompletedTask;
    }

    public Task<ScratchConfig> ReadConfigAsync(string node, string type, int vmid, CancellationToken cancellationToken)
    {
        Touch("read", vmid);
        return Task.FromResult(new ScratchConfig(new Dictionary<string, string>(Configs[vmid]), "digest"));
    }

    public Task WriteConfigAsync(string node, string type, int vmid, IsolationChange change, string digest, CancellationToken cancellationToken)
    {
        Touch("isolate", vmid);
        foreach (var (k, v) in change.Set)
        {
            Configs[vmid][k] = v;
        }

        foreach (var k in change.Delete)
        {
            Configs[vmid].Remove(k);
        }

        return Task.CompletedTask;
    }

    public Task<string> StartAsync(string node, string type, int vmid, CancellationToken cancellationToken)
    {
        Touch("start", vmid);
        if (StartThrows is not null)
        {
            throw StartThrows;
        }

        Replace(vmid, g => g with { Status = "running" });
        return Task.FromResult(NewTask(new DrillTaskStatus(DrillTaskState.Ok, "OK")));
    }

    public Task<string> StopAsync(string node, string type, int vmid, CancellationToken cancellationToken)
    {
        Touch("stop", vmid);
        Replace(vmid, g => g with { Status = "stopped" });
        return Task.FromResult(NewTask(new DrillTaskStatus(DrillTaskState.Ok, "OK")));
    }

    public Task<string> DestroyAsync(string node, string type, int vmid, CancellationToken cancellationToken)
    {
        Touch("destroy", vmid);
        Guests.RemoveAll(g => g.Vmid == vmid);
        Configs.Remove(vmid);
        return Task.FromResult(NewTask(new DrillTaskStatus(DrillTaskState.Ok, "OK")));
    }

    public Task<string> StatusAsync(string node, string type, int vmid, CancellationToken cancellationToken)
    {
        Touch("status", vmid);
        return Task.FromResult(Guests.Single(g => g.Vmid == vmid).Status);
    }

    public Task<AgentAnswer> PingAgentAsync(string node, int vmid, CancellationToken cancellationToken)
    {
        Touch("ping", vmid);
        return Task.FromResult(AgentAnswers ? AgentAnswer.Answered : AgentAnswer.NotRunning);
    }

    /// <summary>What each command does in the scratch guest, by its program: the status it reports once, and how many polls it runs first (-1: never exits).</summary>
    public Dictionary<string, (GuestExecStatus Status, int Polls)> Commands { get; } = new(StringComparer.Ordinal);

    /// <summary>From the Nth exec on, every command reports this instead (a service that comes up late).</summary>
    public (int Nth, GuestExecStatus Status)? AfterExecs { get; set; }

    /// <summary>The agent stops answering after this many exec calls (null: never).</summary>
    public int? AgentGoneAfter { get; set; }

    private readonly Dictionary<int, (string Program, int Polls)> _running = [];

    public Task<int> ExecAsync(string node, int vmid, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        Touch("exec " + string.Join(' ', command), vmid);
        if (AgentGoneAfter is { } n && Calls.Count(c => c.StartsWith("exec ", StringComparison.Ordinal)) > n)
        {
            throw new GuestExecException("QEMU guest agent is not running", agentGone: true);
        }

        if (!Commands.TryGetValue(command[0], out var known))
        {
            throw new GuestExecException(
                $"Agent error: Failed to execute child process “{command[0]}” (No such file or directory)",
                agentGone: false
            );
        }

        var pid = _running.Count + 1000;
        _running[pid] = (command[0], known.Polls);
        return Task.FromResult(pid);
    }

    public Task<GuestExecStatus> ExecStatusAsync(string node, int vmid, int pid, CancellationToken cancellationToken)
    {
        Touch("exec-status", vmid);
        if (AgentGoneAfter is { } n && Calls.Count(c => c.StartsWith("exec ", StringComparison.Ordinal)) > n)
        {
            throw new GuestExecException("QEMU guest agent is not running", agentGone: true);
        }

        var (program, polls) = _running[pid];
        if (polls != 0)
        {
            _running[pid] = (program, polls - 1);
            return Task.FromResult(new GuestExecStatus(false, null, null, null, null));
        }

        return Task.FromResult(
            AfterExecs is { } late && Calls.Count(c => c.StartsWith("exec ", StringComparison.Ordinal)) >= late.Nth
                ? late.Status
                : Commands[program].Status
        );
    }

    private void Touch(string call, int vmid)
    {
        Calls.Add($"{call} {vmid}");
        if (!Range.Contains(vmid))
        {
            OutsideRange.Add(vmid);
        }
    }

    private void Replace(int vmid, Func<ClusterGuest, ClusterGuest> change)
    {
        var i = Guests.FindIndex(g => g.Vmid == vmid);
        Guests[i] = change(Guests[i]);
    }

    private string NewTask(DrillTaskStatus status)
    {
        var upid = $"UPID:pve1:{++_task}";
        Tasks[upid] = status;
        return upid;
    }
}

/// <summary>The drill store in memory.</summary>
internal sealed class FakeDrillStore : IDrillStore
{
    public Dictionary<string, DrillRecord> Drills { get; } = [];

    public List<RestoreTest> Evidence { get; } = [];

    public Task BeginDrillAsync(DrillRecord drill, CancellationToken cancellationToken) => Set(drill);

    public Task UpdateDrillAsync(DrillRecord drill, CancellationToken cancellationToken) => Set(drill);

    public Task FinishDrillAsync(DrillRecord drill, RestoreTest? evidence, CancellationToken cancellationToken)
    {
        if (evidence is not null)
        {
            Evidence.Add(evidence);
        }

        return Set(drill);
    }

    public Task<IReadOnlyList<DrillRecord>> UnfinishedDrillsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DrillRecord>>(
            Drills.Values.Where(d => d.State == DrillState.Running || (!d.CleanedUp && d.RestoreUpid is not null)).ToList()
        );

    private Task Set(DrillRecord drill)
    {
        Drills[drill.Id] = drill;
        return Task.CompletedTask;
    }
}
