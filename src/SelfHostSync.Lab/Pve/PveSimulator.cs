using System.Globalization;
using Microsoft.AspNetCore.Builder;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Pbs;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>
/// A stateful Proxmox VE cluster: guests with config files and digests, tags canonicalised as PVE does, tokens with
/// privileges, locks, storages with vzdump files, backup jobs, and restore tasks with UPIDs and logs. The state is
/// <see cref="PveClusterState"/>; each route module (<c>Pve*Routes</c>) answers one part of the API from it. This
/// class starts the server and is what tests hold: it reads and changes the state as an operator would.
/// </summary>
public sealed class PveSimulator
{
    private readonly PveClusterState _state;

    public PveSimulator(ClusterSpec spec, DateTimeOffset now, Func<string, PbsSimulator?> backupServer)
    {
        _state = new PveClusterState(spec, now, backupServer);
        foreach (var t in spec.RestoreTasks)
        {
            _state.Tasks.Add(LabTask.Restore(t, now, spec));
        }

        for (var i = 0; i < spec.ConsoleTasks; i++)
        {
            _state.Tasks.Add(LabTask.Console(spec.Nodes[0], now - TimeSpan.FromSeconds(3600.0 * i / spec.ConsoleTasks)));
        }
    }

    public string Name => _state.Spec.Name;

    public LabServer Server { get; private set; } = null!;

    public ClusterSpec Spec => _state.Spec;

    internal LabTickets Tickets => _state.Tickets;

    internal Dictionary<int, PveGuestState> Guests => _state.Guests;

    /// <summary>Who may do what where: ACLs, roles, tokens, pools.</summary>
    internal PveAccess Access => _state.Access;

    internal DateTimeOffset Now => _state.Now;

    /// <summary>Guests destroyed through the API, by VMID (the last one), so tests can still read what was written to them.</summary>
    internal Dictionary<int, PveGuestState> Destroyed => _state.Destroyed;

    /// <summary>How long restore, start, stop and destroy tasks take.</summary>
    public TimeSpan TaskDuration
    {
        get => _state.TaskDuration;
        set => _state.TaskDuration = value;
    }

    /// <summary>From start until the guest agent answers.</summary>
    public TimeSpan BootDuration
    {
        get => _state.BootDuration;
        set => _state.BootDuration = value;
    }

    /// <summary>Runs the action right before the next config write is checked (a concurrent edit).</summary>
    public Action? BeforeNextWrite
    {
        get => _state.BeforeNextWrite;
        set => _state.BeforeNextWrite = value;
    }

    /// <summary>The datacenter <c>tag-style</c> property string, as stored.</summary>
    public string? TagStyle
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.TagStyle ?? _state.Spec.TagStyle;
            }
        }
    }

    /// <summary>The datacenter <c>registered-tags</c>.</summary>
    public IReadOnlyList<string> RegisteredTags
    {
        get
        {
            lock (_state.Gate)
            {
                return [.. _state.TagPolicy.Registered];
            }
        }
    }

    public int TotalWrites
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.Guests.Values.Sum(g => g.Writes.Count);
            }
        }
    }

    public async Task StartAsync(int port, CancellationToken cancellationToken) =>
        Server = await LabServer.StartAsync(_state.Spec.Name, port, Map, cancellationToken);

    /// <summary>The tags of a guest as PVE stores them.</summary>
    public string? TagsOf(int vmid)
    {
        lock (_state.Gate)
        {
            return _state.Guests[vmid].Tags;
        }
    }

    /// <summary>Edits a guest's tags as an operator would in the GUI (changes the digest).</summary>
    public void SetTags(int vmid, string? tags) => SetConfig(vmid, "tags", tags is null ? null : Canonical(tags));

    public void SetLock(int vmid, string? lockName) => SetConfig(vmid, "lock", lockName);

    /// <summary>Every config write the cluster accepted, per guest: the parameters sent.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> WritesOf(int vmid)
    {
        lock (_state.Gate)
        {
            return (_state.Guests.TryGetValue(vmid, out var g) ? g : _state.Destroyed[vmid]).Writes.ToList();
        }
    }

    /// <summary>Runs <paramref name="action"/> once, right before the next config write to <paramref name="vmid"/> is checked.</summary>
    public void BeforeNextWriteTo(int vmid, Action action) => _state.BeforeWriteTo = (vmid, action);

    /// <summary>Makes drills of <paramref name="sourceVmid"/> fail in the given way.</summary>
    public void SetDrillFault(int sourceVmid, DrillFault fault) => _state.Faults[sourceVmid] = fault;

    /// <summary>What <paramref name="program"/> does, run through the guest agent in a guest restored from <paramref name="sourceVmid"/>.</summary>
    public void SetGuestCommand(int sourceVmid, string program, LabCommand answer) =>
        _state.Commands.GetOrAdd(sourceVmid, _ => new Dictionary<string, LabCommand>(StringComparer.Ordinal))[program] = answer;

    /// <summary>Destroys a guest as an operator would (<c>qm destroy</c>, <c>pct destroy</c>): it leaves every list of the cluster.</summary>
    public void Destroy(int vmid)
    {
        lock (_state.Gate)
        {
            if (_state.Guests.Remove(vmid, out var gone))
            {
                _state.Destroyed[vmid] = gone;
            }
        }
    }

    /// <summary>Whether a guest with this VMID exists.</summary>
    public bool Exists(int vmid)
    {
        lock (_state.Gate)
        {
            return _state.Guests.ContainsKey(vmid);
        }
    }

    /// <summary>A vzdump task running on <paramref name="node"/> (a job over several guests has an empty id) until stopped.</summary>
    public string StartBackupTask(string node, int? vmid) =>
        _state.NewTask(node, "vzdump", vmid?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, "root@pam").Upid;

    /// <summary>A vzdump task that has just ended: PVE lists it under <c>source=active</c> with its exit status until it is archived.</summary>
    public string FinishedBackupTask(string node, int? vmid, string status = "OK")
    {
        var task = _state.NewTask(node, "vzdump", vmid?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, "root@pam");
        task.EndTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        task.ExitStatus = status;
        return task.Upid;
    }

    /// <summary>A restore task by hand, still running, started <paramref name="startedAgo"/> ago (its log names the source backup).</summary>
    public string StartRestoreTask(string node, int targetVmid, int sourceVmid, TimeSpan startedAgo)
    {
        var template = LabTask.Restore(
            new RestoreTaskSpec
            {
                Node = node,
                TargetVmid = targetVmid,
                SourceVmid = sourceVmid,
                AgeHours = 0,
            },
            DateTimeOffset.UtcNow,
            _state.Spec
        );
        var task = _state.NewTask(node, template.Type, template.Id, "root@pam", DateTimeOffset.UtcNow - startedAgo);
        task.Log.AddRange(template.Log.Where(l => !l.StartsWith("TASK ", StringComparison.Ordinal)));
        return task.Upid;
    }

    /// <summary>Ends a task started by hand: listed as active with its status for a minute, then archived.</summary>
    public void EndTask(string upid, string status = "OK") => PveClusterState.Finish(_state.Live[upid], status);

    /// <summary>PVE's canonical form: lower-case, de-duplicated, sorted, joined with ';'.</summary>
    internal static string Canonical(string tags) => PveClusterState.Canonical(tags);

    private void SetConfig(int vmid, string key, string? value)
    {
        lock (_state.Gate)
        {
            var config = _state.Guests[vmid].Config;
            if (value is null)
            {
                config.Remove(key);
            }
            else
            {
                config[key] = value;
            }
        }
    }

    private void Map(WebApplication app, LabServer server)
    {
        var api = app.MapGroup("/api2/json").RequireToken(_state.Spec.Tokens, "PVEAPIToken", '=', server.Faults, _state.Tickets, "PVEAuthCookie");
        api.MapTicketLogin(_state.Tickets);
        new PveClusterRoutes(_state).Map(api);
        new PveResourceRoutes(_state).Map(api);
        new PveGuestRoutes(_state).Map(api);
        new PveAgentRoutes(_state).Map(api);
        new PveRestoreRoutes(_state).Map(api);
        new PveTaskRoutes(_state).Map(api);
        new PveStorageRoutes(_state).Map(api);
        new PveNetworkRoutes(_state).Map(api);
    }
}
