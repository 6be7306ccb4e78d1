using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Pbs;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>
/// A stateful Proxmox VE cluster: guests with config files and digests, tags canonicalised as PVE does, tokens with
/// privileges, locks, storages with vzdump files, backup jobs, and restore tasks with UPIDs and logs.
/// </summary>
public sealed partial class PveSimulator
{
    private readonly ClusterSpec _spec;
    private readonly DateTimeOffset _now;
    private readonly Func<string, PbsSimulator?> _backupServer;
    private readonly Lock _gate = new();
    private readonly List<LabTask> _tasks = [];

    public PveSimulator(ClusterSpec spec, DateTimeOffset now, Func<string, PbsSimulator?> backupServer)
    {
        _spec = spec;
        _now = now;
        _backupServer = backupServer;
        Tickets = new LabTickets("PVE", spec.Users);
        Guests = spec.Guests.Select(g => new PveGuestState(g)).ToDictionary(g => g.Vmid);
        Access = new PveAccess(spec, PoolOf, PoolMembers);
        foreach (var t in spec.RestoreTasks)
        {
            _tasks.Add(LabTask.Restore(t, now, this));
        }

        for (var i = 0; i < spec.ConsoleTasks; i++)
        {
            _tasks.Add(LabTask.Console(spec.Nodes[0], now - TimeSpan.FromSeconds(3600.0 * i / spec.ConsoleTasks)));
        }
    }

    public string Name => _spec.Name;

    internal LabTickets Tickets { get; }

    public LabServer Server { get; private set; } = null!;

    internal Dictionary<int, PveGuestState> Guests { get; }

    /// <summary>Who may do what where: ACLs, roles, tokens, pools.</summary>
    internal PveAccess Access { get; }

    public ClusterSpec Spec => _spec;

    internal DateTimeOffset Now => _now;

    /// <summary>The tags of a guest as PVE stores them.</summary>
    public string? TagsOf(int vmid)
    {
        lock (_gate)
        {
            return Guests[vmid].Tags;
        }
    }

    /// <summary>Edits a guest's tags as an operator would in the GUI (changes the digest).</summary>
    public void SetTags(int vmid, string? tags)
    {
        lock (_gate)
        {
            var g = Guests[vmid];
            if (tags is null)
            {
                g.Config.Remove("tags");
            }
            else
            {
                g.Config["tags"] = Canonical(tags);
            }
        }
    }

    public void SetLock(int vmid, string? lockName)
    {
        lock (_gate)
        {
            if (lockName is null)
            {
                Guests[vmid].Config.Remove("lock");
            }
            else
            {
                Guests[vmid].Config["lock"] = lockName;
            }
        }
    }

    /// <summary>Every config write the cluster accepted, per guest: the parameters sent.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> WritesOf(int vmid)
    {
        lock (_gate)
        {
            return (Guests.TryGetValue(vmid, out var g) ? g : Destroyed[vmid]).Writes.ToList();
        }
    }

    public int TotalWrites
    {
        get
        {
            lock (_gate)
            {
                return Guests.Values.Sum(g => g.Writes.Count);
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> right before the next config write is checked (a concurrent edit).</summary>
    public Action? BeforeNextWrite { get; set; }

    private (int Vmid, Action Action)? _beforeWriteTo;

    /// <summary>Runs <paramref name="action"/> once, right before the next config write to <paramref name="vmid"/> is checked.</summary>
    public void BeforeNextWriteTo(int vmid, Action action) => _beforeWriteTo = (vmid, action);

    public async Task StartAsync(int port, CancellationToken cancellationToken) =>
        Server = await LabServer.StartAsync(_spec.Name, port, Map, cancellationToken);

    private string? PoolOf(int vmid)
    {
        lock (_gate)
        {
            return Guests.TryGetValue(vmid, out var g) ? g.Pool : null;
        }
    }

    private List<int> PoolMembers()
    {
        lock (_gate)
        {
            return Guests.Values.Where(g => g.Pool is not null).Select(g => g.Vmid).ToList();
        }
    }

    /// <summary>PVE's canonical form: lower-case, de-duplicated, sorted, joined with ';'.</summary>
    internal static string Canonical(string tags) =>
        string.Join(';', tags.Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries)
            .Select(t => t.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    internal static string Upid(string node, int pid, long start, string type, string id, string user) =>
        string.Create(CultureInfo.InvariantCulture, $"UPID:{node}:{pid:X8}:{pid * 7:X8}:{start:X8}:{type}:{id}:{user}:");
}
