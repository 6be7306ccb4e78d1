using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;

namespace SelfHostSync.Lab.Pbs;

/// <summary>A finished (or running) PBS worker task: what <c>GET /nodes/{node}/tasks</c> lists.</summary>
internal sealed record PbsTask(int Sequence, string Type, string WorkerId, long Start, long? End, string? Status)
{
    /// <summary>Unique per task, as PBS's (pid, process start, task counter) make it.</summary>
    public string Upid => string.Create(
        CultureInfo.InvariantCulture,
        $"UPID:pbs:0000A1B2:0012C3D4:{Sequence:X8}:{Start:X8}:{Type}:{WorkerId.Replace(":", "\\x3a", StringComparison.Ordinal)}:root@pam:");
}

/// <summary>
/// What changes a datastore between passes, as on a real PBS: new backups, verification (a verify task), pruning (a
/// prune task), forgetting a snapshot (no task). The group list (<c>list_groups</c>) and the task list
/// (<c>list_tasks</c>) follow proxmox-backup's rules: groups count every snapshot directory, running ones included;
/// tasks are listed newest first, <c>since</c> skips tasks that started before it, and without Sys.Audit on
/// /system/tasks a token sees only job tasks its datastore privileges allow (verification: Datastore.Verify; prune and
/// garbage collection: Datastore.Modify), silently.
/// </summary>
public sealed partial class PbsSimulator
{
    private readonly List<PbsTask> _tasks = [];

    /// <summary>A new backup of <paramref name="type"/>/<paramref name="id"/> at <paramref name="time"/> (still running, or finished and unverified).</summary>
    public void AddSnapshot(string datastore, string ns, string type, int id, DateTimeOffset time, bool inProgress = false, bool encrypted = false)
    {
        lock (_snapshots)
        {
            _snapshots.Add(new PbsSnapshot(datastore, ns, type, id, time.ToUnixTimeSeconds(), null, false, encrypted, inProgress));
        }
    }

    /// <summary>The running backup of the group finishes (its manifest is written).</summary>
    public void FinishSnapshots(string datastore)
    {
        lock (_snapshots)
        {
            for (var i = 0; i < _snapshots.Count; i++)
            {
                if (_snapshots[i].Datastore == datastore && _snapshots[i].InProgress)
                {
                    _snapshots[i] = _snapshots[i] with { InProgress = false };
                }
            }
        }
    }

    /// <summary>A verification job over the datastore: every finished snapshot not yet verified gets <paramref name="state"/>.</summary>
    public void Verify(string datastore, string state, DateTimeOffset at)
    {
        lock (_snapshots)
        {
            for (var i = 0; i < _snapshots.Count; i++)
            {
                if (_snapshots[i] is { InProgress: false, Verification: null } s && s.Datastore == datastore)
                {
                    _snapshots[i] = s with { Verification = state };
                }
            }

            _tasks.Add(new PbsTask(_tasks.Count + 1, "verificationjob", $"{datastore}:v-lab", at.ToUnixTimeSeconds(), at.ToUnixTimeSeconds(), "OK"));
        }
    }

    /// <summary>A protection flag set or cleared by hand (no task, no change to the group list).</summary>
    public void SetProtected(string datastore, string ns, string type, int id, bool value)
    {
        lock (_snapshots)
        {
            for (var i = 0; i < _snapshots.Count; i++)
            {
                if (_snapshots[i] is var s && s.Datastore == datastore && s.Namespace == ns && s.Type == type && s.Id == id)
                {
                    _snapshots[i] = s with { Protected = value };
                }
            }
        }
    }

    /// <summary>Prunes a group to its newest <paramref name="keepLast"/> finished snapshots (protected ones stay): a prune task.</summary>
    public void Prune(string datastore, string ns, string type, int id, int keepLast, DateTimeOffset at)
    {
        lock (_snapshots)
        {
            var group = _snapshots.Where(s => s.Datastore == datastore && s.Namespace == ns && s.Type == type && s.Id == id && !s.InProgress)
                .OrderByDescending(s => s.Time).ToList();
            foreach (var gone in group.Skip(keepLast).Where(s => !s.Protected))
            {
                _snapshots.Remove(gone);
            }

            var worker = ns.Length == 0 ? $"{datastore}:{type}/{id}" : $"{datastore}:{ns}:{type}/{id}";
            _tasks.Add(new PbsTask(_tasks.Count + 1, "prune", worker, at.ToUnixTimeSeconds(), at.ToUnixTimeSeconds(), "OK"));
        }
    }

    /// <summary>Forgets the newest snapshot of a group by hand (<c>DELETE …/snapshots</c>: no worker task).</summary>
    public void Forget(string datastore, string ns, string type, int id)
    {
        lock (_snapshots)
        {
            var newest = _snapshots.Where(s => s.Datastore == datastore && s.Namespace == ns && s.Type == type && s.Id == id)
                .OrderByDescending(s => s.Time).FirstOrDefault();
            if (newest is not null)
            {
                _snapshots.Remove(newest);
            }
        }
    }

    private void MapChanges(RouteGroupBuilder api)
    {
        api.MapGet("/admin/datastore/{store}/groups", (HttpContext ctx, string store, string? ns) =>
            Readable(ctx, store, "Datastore.Audit|Datastore.Backup") is null ? Results.Empty
                : LabResults.Data(Snapshots
                    .Where(s => s.Datastore == store && s.Namespace == (ns ?? string.Empty))
                    .GroupBy(s => (s.Type, s.Id))
                    .Select(g => GroupRow(g.ToList()))
                    .ToList()));

        api.MapGet("/nodes/{node}/tasks", (HttpContext ctx, string node, long? since, string? typefilter, int? limit) =>
        {
            List<PbsTask> tasks;
            lock (_snapshots)
            {
                tasks = [.. _tasks.OrderByDescending(t => t.Start)];
            }

            var listed = new List<object>();
            foreach (var t in tasks)
            {
                if (since is { } from && t.End is { } end && end < from)
                {
                    break;
                }

                if ((since is { } after && t.Start < after) || !MayList(ctx, t) || (typefilter is not null && !t.Type.Contains(typefilter, StringComparison.Ordinal)))
                {
                    continue;
                }

                listed.Add(TaskRow(t));
                // PBS lists 50 unless told otherwise; 0 means all.
                if ((limit ?? 50) is > 0 and var most && listed.Count >= most)
                {
                    break;
                }
            }

            return LabResults.Data(listed);
        });
    }

    /// <summary>
    /// One group as <c>list_groups</c> answers: the count of every snapshot directory, and as "last backup" the result of
    /// PBS's fold over the directory order (the newest finished one when it is listed before the others).
    /// </summary>
    private static Dictionary<string, object?> GroupRow(List<PbsSnapshot> snapshots)
    {
        var last = snapshots.Aggregate((a, b) => !a.InProgress && a.Time > b.Time ? a : b);
        var data = last.Type == "vm" ? "drive-scsi0.img.fidx" : "root.pxar.didx";
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["backup-type"] = last.Type,
            ["backup-id"] = last.Id.ToString(CultureInfo.InvariantCulture),
            ["last-backup"] = last.Time,
            ["backup-count"] = snapshots.Count,
            ["files"] = last.InProgress ? new[] { data } : new[] { "index.json.blob", data },
            ["owner"] = "pve-backup@pbs!pve",
        };
    }

    private static bool MayList(HttpContext ctx, PbsTask task) =>
        Has(ctx, "Sys.Audit")
        || (task.Type == "verificationjob" && Has(ctx, "Datastore.Verify"))
        || (task.Type is "prune" or "prunejob" or "garbage_collection" && Has(ctx, "Datastore.Modify"));

    private static Dictionary<string, object?> TaskRow(PbsTask t)
    {
        var row = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["upid"] = t.Upid,
            ["node"] = "pbs",
            ["pid"] = 0xA1B2,
            ["pstart"] = 0x12C3D4,
            ["starttime"] = t.Start,
            ["worker_type"] = t.Type,
            ["worker_id"] = t.WorkerId,
            ["user"] = "root@pam",
        };
        if (t.End is { } end)
        {
            row["endtime"] = end;
            row["status"] = t.Status;
        }

        return row;
    }
}
