using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pbs;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// Which datastores changed in ways the group list does not show: a verification sets states, a prune or garbage
/// collection removes snapshots. Read from PBS's task list, which PBS filters silently without Sys.Audit on
/// /system/tasks: then nothing can be ruled out and every datastore is listed in full, as before.
/// </summary>
internal sealed class PbsTaskWatch(PbsServer server, IPbsApi api, PbsJobReader jobs, TimeProvider time)
{
    /// <summary>How far back each pass looks for tasks (PBS's <c>since</c> is a start time; a clock apart by less is harmless).</summary>
    private static readonly TimeSpan TaskLookBack = TimeSpan.FromHours(1);

    /// <summary>Ended tasks already answered with a full listing, by UPID, with their start.</summary>
    private readonly Dictionary<string, long> _settled = new(StringComparer.Ordinal);

    /// <summary>The earliest start of a task seen running: the next look-back reaches it, so its end is seen.</summary>
    private long? _runningSince;

    /// <summary>Datastores with a verify, prune or GC task running or ended since it was last answered; null when unknown.</summary>
    public async Task<ISet<string>?> TouchedStoresAsync(CancellationToken cancellationToken)
    {
        try
        {
            var permissions = await jobs.PermissionsAsync(cancellationToken);
            if (!permissions.Has("Sys.Audit", "/system/tasks"))
            {
                return null;
            }

            var since = time.GetUtcNow().ToUnixTimeSeconds() - (long)TaskLookBack.TotalSeconds;
            if (_runningSince is { } running && running < since)
            {
                since = running;
            }

            const string What = "GET /nodes/localhost/tasks";
            var tasks = await ProxmoxClients.Call(server.Endpoint, What, async () =>
                ProxmoxClients.Require(server.Endpoint, What, (await api.GetTasksAsync(since, 0, cancellationToken)).Data)
            );
            var touched = new HashSet<string>(StringComparer.Ordinal);
            long? stillRunning = null;
            foreach (var task in tasks)
            {
                if (task.Upid is null || !ChangesSnapshots(task.WorkerType) || StoreOf(task.WorkerId) is not { } store)
                {
                    continue;
                }

                if (task.EndTime is null)
                {
                    touched.Add(store);
                    stillRunning = Math.Min(stillRunning ?? long.MaxValue, task.StartTime ?? since);
                }
                else if (_settled.TryAdd(task.Upid, task.StartTime ?? since))
                {
                    touched.Add(store);
                }
            }

            _runningSince = stillRunning;
            foreach (var old in _settled.Where(t => t.Value < since).Select(t => t.Key).ToList())
            {
                _settled.Remove(old);
            }

            return touched;
        }
        catch (ProxmoxApiException)
        {
            return null;
        }
    }

    private static bool ChangesSnapshots(string? workerType) =>
        workerType is not null
        && (
            workerType.StartsWith("verif", StringComparison.Ordinal)
            || workerType.StartsWith("prune", StringComparison.Ordinal)
            || workerType == "garbage_collection"
        );

    /// <summary>The datastore a task worked on: its worker id up to the first colon (<c>store</c>, <c>store:job</c>, <c>store:ns:type/id</c>).</summary>
    private static string? StoreOf(string? workerId) => string.IsNullOrEmpty(workerId) ? null : workerId.Split(':')[0];
}
