using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Evidence;

/// <summary>All evidence of one pass, indexed for per-guest questions. Immutable once built.</summary>
public sealed class EvidenceSet
{
    private static readonly IReadOnlyList<BackupCopy> NoCopies = [];
    private static readonly IReadOnlyList<RestoreTest> NoTests = [];

    private readonly Dictionary<GuestKey, List<BackupCopy>> _copies;
    private readonly Dictionary<GuestKey, List<RestoreTest>> _tests;
    private readonly Dictionary<string, List<BackupJob>> _jobs;
    private readonly Dictionary<(string Cluster, string Storage), List<StorageReplica>> _replicas;
    private readonly Dictionary<(string Cluster, string Storage), StorageHealth> _health;
    private readonly IReadOnlyList<EvidenceGap> _gaps;
    private readonly HashSet<GuestKey> _notBackedUp;

    public EvidenceSet(
        IEnumerable<Guest> guests,
        IEnumerable<BackupCopy> copies,
        IEnumerable<RestoreTest> restoreTests,
        IEnumerable<BackupJob> jobs,
        IEnumerable<StorageReplica> replicas,
        IEnumerable<StorageHealth> storageHealth,
        IEnumerable<EvidenceGap> gaps,
        IEnumerable<GuestKey>? notBackedUp = null
    )
    {
        Guests = guests.OrderBy(g => g.Key).ToList();
        _copies = Group(copies, c => c.Guest);
        _tests = Group(restoreTests, t => t.Guest);
        _jobs = Group(jobs, j => j.Cluster, StringComparer.Ordinal);
        _replicas = Group(replicas, r => (r.Cluster, r.StorageId));
        _health = new Dictionary<(string, string), StorageHealth>();
        foreach (var h in storageHealth)
        {
            // Several readings of the same storage: the unhealthy one wins.
            var key = (h.Cluster, h.StorageId);
            if (!_health.TryGetValue(key, out var existing) || (existing.Healthy && !h.Healthy))
            {
                _health[key] = h;
            }
        }

        _gaps = gaps.ToList();
        _notBackedUp = notBackedUp?.ToHashSet() ?? [];
    }

    public IReadOnlyList<Guest> Guests { get; }

    public IReadOnlyList<EvidenceGap> Gaps => _gaps;

    public static EvidenceSet From(IEnumerable<EvidenceBatch> batches, IEnumerable<RestoreTest> storedRestoreTests)
    {
        var list = batches.ToList();
        var tests = list.SelectMany(b => b.RestoreTests).Concat(storedRestoreTests).GroupBy(t => t.Id, StringComparer.Ordinal).Select(g => g.First());
        return new EvidenceSet(
            list.SelectMany(b => b.Guests),
            list.SelectMany(b => b.Copies),
            tests,
            list.SelectMany(b => b.Jobs),
            list.SelectMany(b => b.Replicas),
            list.SelectMany(b => b.StorageHealth),
            list.SelectMany(b => b.Gaps),
            list.SelectMany(b => b.NotBackedUp)
        );
    }

    /// <summary>The first gap that leaves <paramref name="kind"/> wholly unknown for <paramref name="cluster"/>, if any.</summary>
    public EvidenceGap? GapFor(EvidenceKind kind, string cluster) => _gaps.FirstOrDefault(g => !g.Scope.IsPartial && g.Scope.Covers(kind, cluster));

    public GuestEvidence For(Guest guest)
    {
        return new GuestEvidence(
            guest,
            Observe(EvidenceKind.BackupCopies, guest.Key, _copies.TryGetValue(guest.Key, out var c) ? c : NoCopies),
            Observe(EvidenceKind.RestoreTests, guest.Key, _tests.TryGetValue(guest.Key, out var t) ? t : NoTests),
            Observe(EvidenceKind.BackupJobs, guest.Key, CoveringJobs(guest)),
            Observe(EvidenceKind.Replicas, guest.Key, ReplicasOf(guest)),
            Observe(EvidenceKind.StorageHealth, guest.Key, HealthOf(guest))
        );
    }

    // PVE's own not-backed-up list has the last word when it disagrees with our reading of the job selections
    // (pools, node restrictions, legacy vzdump.cron); it ignores `enabled`, which the coverage check handles.
    private IReadOnlyList<BackupJob> CoveringJobs(Guest guest) =>
        _notBackedUp.Contains(guest.Key) || !_jobs.TryGetValue(guest.Key.Cluster, out var jobs) ? [] : jobs.Where(job => job.Covers(guest)).ToList();

    private IReadOnlyList<StorageReplica> ReplicasOf(Guest guest)
    {
        var storages = _copies.TryGetValue(guest.Key, out var copies)
            ? copies.Select(c => c.StorageId).OfType<string>().Distinct(StringComparer.Ordinal)
            : [];
        return storages.SelectMany(s => _replicas.TryGetValue((guest.Key.Cluster, s), out var r) ? r : []).ToList();
    }

    private IReadOnlyList<StorageHealth> HealthOf(Guest guest)
    {
        var storages = new HashSet<string>(StringComparer.Ordinal);
        if (guest.Config is not null)
        {
            storages.UnionWith(guest.Config.DiskStorages);
        }

        if (_copies.TryGetValue(guest.Key, out var copies))
        {
            storages.UnionWith(copies.Select(c => c.StorageId).OfType<string>());
        }

        return storages
            .Order(StringComparer.Ordinal)
            .Select(s => _health.TryGetValue((guest.Key.Cluster, s), out var h) ? h : null)
            .OfType<StorageHealth>()
            .ToList();
    }

    // A whole gap makes the family unknown; gaps of a part (a storage, a node, a datastore) leave what was seen as a
    // lower bound, and name every part that is missing.
    private Observed<T> Observe<T>(EvidenceKind kind, GuestKey guest, T value)
    {
        EvidenceGap? whole = null;
        List<EvidenceGap>? parts = null;
        foreach (var gap in _gaps)
        {
            if (!gap.Scope.Covers(kind, guest.Cluster, guest.Vmid))
            {
                continue;
            }

            if (!gap.Scope.IsPartial)
            {
                whole = gap;
                break;
            }

            (parts ??= []).Add(gap);
        }

        if (whole is not null)
        {
            return Observed<T>.Unknown($"{whole.Source}: {whole.Reason}");
        }

        return parts is null
            ? Observed<T>.Known(value)
            : Observed<T>.Partial(value, string.Join("; ", parts.Select(g => $"{g.Source}: {g.Reason}").Distinct(StringComparer.Ordinal)));
    }

    private static Dictionary<TKey, List<T>> Group<TKey, T>(IEnumerable<T> items, Func<T, TKey> key, IEqualityComparer<TKey>? comparer = null)
        where TKey : notnull
    {
        var map = new Dictionary<TKey, List<T>>(comparer);
        foreach (var item in items)
        {
            var k = key(item);
            if (!map.TryGetValue(k, out var list))
            {
                list = [];
                map[k] = list;
            }

            list.Add(item);
        }

        return map;
    }
}
