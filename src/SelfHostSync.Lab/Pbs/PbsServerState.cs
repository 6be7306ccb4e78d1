using Microsoft.AspNetCore.Http;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pbs;

/// <summary>
/// What one simulated PBS holds: its scenario, the snapshots and the worker tasks, and what changes a datastore between
/// passes as on a real PBS: new backups, verification (a verify task), pruning (a prune task), forgetting a snapshot (no
/// task). Snapshots and tasks change under one lock.
/// </summary>
internal sealed class PbsServerState
{
    private readonly List<PbsSnapshot> _snapshots = [];
    private readonly List<PbsTask> _tasks = [];

    public PbsServerState(BackupServerSpec spec, DateTimeOffset now, Func<string, PbsSimulator?> peers)
    {
        Spec = spec;
        Now = now;
        Peers = peers;
        foreach (var s in spec.Snapshots)
        {
            for (var i = 0; i < s.Count; i++)
            {
                var time = now - TimeSpan.FromHours(s.AgeHours + (i * s.EveryHours));
                _snapshots.Add(
                    new PbsSnapshot(
                        s.Datastore,
                        s.Namespace,
                        s.Type,
                        s.Id,
                        time.ToUnixTimeSeconds(),
                        s.Verification,
                        s.Protected,
                        s.Encrypted,
                        s.InProgress && i == 0
                    )
                );
            }
        }
    }

    public BackupServerSpec Spec { get; }

    public DateTimeOffset Now { get; }

    /// <summary>The other Lab PBS by name (the remotes of sync jobs).</summary>
    public Func<string, PbsSimulator?> Peers { get; }

    /// <summary>The snapshots now (a copy: tests change them while the server answers).</summary>
    public IReadOnlyList<PbsSnapshot> Snapshots
    {
        get
        {
            lock (_snapshots)
            {
                return [.. _snapshots];
            }
        }
    }

    /// <summary>The worker tasks, newest first.</summary>
    public IReadOnlyList<PbsTask> TasksNewestFirst
    {
        get
        {
            lock (_snapshots)
            {
                return [.. _tasks.OrderByDescending(t => t.Start)];
            }
        }
    }

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

    /// <summary>
    /// One snapshot's flag, as <c>PUT /admin/datastore/{store}/protected</c> sets it (the <c>.protected</c> file; setting it
    /// twice is no error); false when there is no such snapshot.
    /// </summary>
    public bool SetSnapshotProtected(string datastore, string ns, string type, int id, long time, bool value)
    {
        lock (_snapshots)
        {
            var i = _snapshots.FindIndex(s => s.Datastore == datastore && s.Namespace == ns && s.Type == type && s.Id == id && s.Time == time);
            if (i < 0)
            {
                return false;
            }

            _snapshots[i] = _snapshots[i] with { Protected = value };
            return true;
        }
    }

    /// <summary>
    /// Prunes a group to its newest <paramref name="keepLast"/> finished snapshots, as pbs-datastore <c>prune.rs</c> marks
    /// them: a protected snapshot is kept and takes no keep slot. A prune task.
    /// </summary>
    public void Prune(string datastore, string ns, string type, int id, int keepLast, DateTimeOffset at)
    {
        lock (_snapshots)
        {
            var group = _snapshots
                .Where(s => s.Datastore == datastore && s.Namespace == ns && s.Type == type && s.Id == id && !s.InProgress && !s.Protected)
                .OrderByDescending(s => s.Time)
                .ToList();
            foreach (var gone in group.Skip(keepLast))
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
            var newest = _snapshots
                .Where(s => s.Datastore == datastore && s.Namespace == ns && s.Type == type && s.Id == id)
                .OrderByDescending(s => s.Time)
                .FirstOrDefault();
            if (newest is not null)
            {
                _snapshots.Remove(newest);
            }
        }
    }
}
