using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Pbs;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>
/// What one simulated PVE cluster holds: guests with their configs, tasks (archived and live), tokens and ACLs, the
/// datacenter tag options, drill faults; and the checks every route module shares (find a guest as PVE reports a
/// missing one, <c>raise_perm_exc</c>, task bookkeeping). Guests and options are changed only under <see cref="Gate"/>.
/// </summary>
internal sealed class PveClusterState
{
    private static int _taskPid = 0x4000;

    public PveClusterState(ClusterSpec spec, DateTimeOffset now, Func<string, PbsSimulator?> backupServer)
    {
        Spec = spec;
        Now = now;
        BackupServer = backupServer;
        Tickets = new LabTickets("PVE", spec.Users);
        Guests = spec.Guests.Select(g => new PveGuestState(g)).ToDictionary(g => g.Vmid);
        Access = new PveAccess(spec, PoolOf, PoolMembers);
        TagPolicy = new PveTagPolicy(this);
        Content = new PveStorageContent(this);
    }

    public ClusterSpec Spec { get; }

    public DateTimeOffset Now { get; }

    public Func<string, PbsSimulator?> BackupServer { get; }

    public Lock Gate { get; } = new();

    public LabTickets Tickets { get; }

    public Dictionary<int, PveGuestState> Guests { get; }

    /// <summary>Guests destroyed through the API, by VMID (the last one), so tests can still read what was written to them.</summary>
    public Dictionary<int, PveGuestState> Destroyed { get; } = [];

    /// <summary>Who may do what where: ACLs, roles, tokens, pools.</summary>
    public PveAccess Access { get; }

    public PveTagPolicy TagPolicy { get; }

    public PveStorageContent Content { get; }

    /// <summary>Tasks of the scenario, archived.</summary>
    public List<LabTask> Tasks { get; } = [];

    /// <summary>Tasks started through the API or by a test, by UPID.</summary>
    public ConcurrentDictionary<string, LiveTask> Live { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<int, DrillFault> Faults { get; } = new();

    /// <summary>Protection flags of vzdump files set through the API (their <c>.protected</c> files), by volid; else the scenario's.</summary>
    public ConcurrentDictionary<string, bool> DumpProtection { get; } = new(StringComparer.Ordinal);

    /// <summary>What commands do in guests restored from a source VMID (the guest agent's exec).</summary>
    public ConcurrentDictionary<int, Dictionary<string, LabCommand>> Commands { get; } = new();

    /// <summary>The guest a scratch guest was restored from (its name is drill-&lt;vmid&gt;-&lt;date&gt;).</summary>
    public static int? SourceOf(PveGuestState g) =>
        g.Restored
        && g.Name.Split('-') is ["drill", var src, _]
        && int.TryParse(src, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var vmid)
            ? vmid
            : null;

    /// <summary>The drill fault of the guest a scratch guest was restored from.</summary>
    public DrillFault FaultOf(PveGuestState g) => SourceOf(g) is { } source ? Faults.GetValueOrDefault(source) : DrillFault.None;

    /// <summary>The datacenter <c>tag-style</c> once written through the API (else the scenario's).</summary>
    public string? TagStyle { get; set; }

    /// <summary>The datacenter <c>registered-tags</c> once written through the API (else the scenario's).</summary>
    public List<string>? RegisteredTags { get; set; }

    public TimeSpan TaskDuration { get; set; } = TimeSpan.FromMilliseconds(400);

    public TimeSpan BootDuration { get; set; } = TimeSpan.FromMilliseconds(800);

    public Action? BeforeNextWrite { get; set; }

    public (int Vmid, Action Action)? BeforeWriteTo { get; set; }

    /// <summary>The token a request was authenticated with.</summary>
    public static string AuthId(HttpContext ctx) => ((TokenSpec)ctx.Items["token"]!).Id;

    public bool Has(HttpContext ctx, string privilege, string path) => Access.Has(AuthId(ctx), privilege, path);

    /// <summary>A fatal permission check as PVE's <c>raise_perm_exc</c>: 403 "Permission check failed (path, privilege)".</summary>
    public bool Need(HttpContext ctx, string privilege, string path)
    {
        if (Has(ctx, privilege, path))
        {
            return true;
        }

        LabResults.Error(ctx, StatusCodes.Status403Forbidden, $"Permission check failed ({path}, {privilege})");
        return false;
    }

    public bool CanSeeStorage(HttpContext ctx, string storage) =>
        Has(ctx, "Datastore.Audit", $"/storage/{storage}") || Has(ctx, "Datastore.AllocateSpace", $"/storage/{storage}");

    /// <summary>pve-storage <c>check_volume_access</c> for a backup volume listed without a target vmid.</summary>
    public bool MayAccessVolume(HttpContext ctx, string storage, int owner) =>
        Has(ctx, "Datastore.Allocate", $"/storage/{storage}")
        || (Has(ctx, "Datastore.AllocateSpace", $"/storage/{storage}") && Has(ctx, "VM.Backup", $"/vms/{owner}"));

    /// <summary>The guest at <paramref name="vmid"/> of that type on that node, or PVE's error for a missing one.</summary>
    public bool Find(HttpContext ctx, string node, string type, int vmid, out PveGuestState? guest)
    {
        if (!Guests.TryGetValue(vmid, out guest) || guest.Type != type)
        {
            LabResults.Error(
                ctx,
                500,
                string.Create(CultureInfo.InvariantCulture, $"Configuration file 'nodes/{node}/{type}-server/{vmid}.conf' does not exist")
            );
            return false;
        }

        if (guest.Node != node)
        {
            LabResults.Error(ctx, 500, $"no such VM ('{vmid}') on node '{node}'");
            return false;
        }

        return true;
    }

    /// <summary>The SDN zone a bridge's SDN.Use is checked in: the vnet's, else <c>localnetwork</c>.</summary>
    public string ZoneOf(string bridge) => Spec.Vnets.FirstOrDefault(v => v.Name == bridge)?.Zone ?? "localnetwork";

    public LiveTask NewTask(string node, string type, string id, string user, DateTimeOffset? startedAt = null)
    {
        var pid = Interlocked.Increment(ref _taskPid);
        var start = (startedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var task = new LiveTask
        {
            Upid = Upid(node, pid, start, type, id, user),
            Node = node,
            Type = type,
            Id = id,
            User = user,
            StartTime = start,
        };
        Live[task.Upid] = task;
        return task;
    }

    /// <summary>Runs a task's work in the background; it ends OK, interrupted (stopped) or with the exception's message.</summary>
    public static void Later(LiveTask task, Func<CancellationToken, Task> work) =>
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

    public static void Finish(LiveTask task, string exit)
    {
        task.Log.Add(exit == "OK" ? "TASK OK" : $"TASK ERROR: {exit}");
        task.EndTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        task.ExitStatus = exit;
    }

    /// <summary>PVE's canonical form: lower-case, de-duplicated, sorted, joined with ';'.</summary>
    public static string Canonical(string tags) =>
        string.Join(
            ';',
            tags.Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries)
                .Select(t => t.ToLowerInvariant())
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
        );

    public static string Upid(string node, int pid, long start, string type, string id, string user) =>
        string.Create(CultureInfo.InvariantCulture, $"UPID:{node}:{pid:X8}:{pid * 7:X8}:{start:X8}:{type}:{id}:{user}:");

    /// <summary>Tasks.pm lists a task with its UPID decoded: <c>UPID:node:pid:pstart:starttime:…</c>, hexadecimal.</summary>
    public static int PidOf(string upid) => int.Parse(upid.Split(':')[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static long PstartOf(string upid) => long.Parse(upid.Split(':')[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private string? PoolOf(int vmid)
    {
        lock (Gate)
        {
            return Guests.TryGetValue(vmid, out var g) ? g.Pool : null;
        }
    }

    private List<int> PoolMembers()
    {
        lock (Gate)
        {
            return Guests.Values.Where(g => g.Pool is not null).Select(g => g.Vmid).ToList();
        }
    }
}
