using SelfHostSync.Proxmox.Pbs;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// What earlier passes read of one datastore namespace's snapshots, per backup group, with the group's summary as PBS
/// last listed it (last backup, count). A pass re-reads only the groups whose summary changed, or that held a backup
/// still running. Kept compact: a snapshot is a time and a byte of flags (300,000 snapshots ≈ 5 MB).
/// </summary>
internal sealed class KnownSnapshots(DateTimeOffset fullAt)
{
    private readonly Dictionary<(string Type, string Id), Group> _groups = [];

    /// <summary>When every group was last listed in one go.</summary>
    public DateTimeOffset FullAt { get; } = fullAt;

    public IEnumerable<(string Type, string Id, SnapshotFact Snapshot)> All =>
        _groups.SelectMany(g => g.Value.Snapshots.Select(s => (g.Key.Type, g.Key.Id, s)));

    /// <summary>
    /// Groups to read again: new, changed, or holding a backup that was still running. A group known only from a full
    /// listing (no summary yet) is unchanged when its count and newest backup are what the listing held.
    /// </summary>
    public IEnumerable<GroupDto> Changed(IEnumerable<GroupDto> listed) =>
        listed.Where(g =>
            !_groups.TryGetValue(Key(g), out var known)
            || (known.LastBackup ?? Newest(known)) != g.LastBackup
            || known.Count != g.BackupCount
            || known.Snapshots.Any(s => !s.Complete)
        );

    /// <summary>Records the summaries of the groups that did not change (those known from a full listing had none).</summary>
    public void Summarise(IEnumerable<GroupDto> listed)
    {
        foreach (var group in listed)
        {
            if (_groups.TryGetValue(Key(group), out var known) && known.LastBackup is null)
            {
                _groups[Key(group)] = known with { LastBackup = group.LastBackup };
            }
        }
    }

    /// <summary>
    /// What a full listing shows, by group: with the group list read just before it, the groups it names with their
    /// summaries; without one (a first listing), every group listed, its count what the listing held and its newest
    /// backup learnt from the next group list.
    /// </summary>
    public static KnownSnapshots Listed(
        DateTimeOffset at,
        Dictionary<(string Type, string Id), List<SnapshotFact>> listing,
        IReadOnlyList<GroupDto>? groups
    )
    {
        var known = new KnownSnapshots(at);
        if (groups is null)
        {
            foreach (var (group, snapshots) in listing)
            {
                known._groups[group] = new Group(null, snapshots.Count, [.. snapshots]);
            }
        }
        else
        {
            foreach (var group in groups)
            {
                known.Set(group, listing.GetValueOrDefault(Key(group)) ?? []);
            }
        }

        return known;
    }

    private static long? Newest(Group group) => group.Snapshots.Length == 0 ? null : group.Snapshots.Max(s => s.Time);

    /// <summary>A group lost snapshots (prune, forget): what else changed is not certain, so everything is read again.</summary>
    public bool AnyCountDropped(IEnumerable<GroupDto> listed) =>
        listed.Any(g => _groups.TryGetValue(Key(g), out var known) && g.BackupCount < known.Count);

    public void Set(GroupDto group, IEnumerable<SnapshotFact> snapshots) =>
        _groups[Key(group)] = new Group(group.LastBackup, group.BackupCount, [.. snapshots]);

    /// <summary>Forgets the groups PBS no longer lists.</summary>
    public void KeepOnly(IEnumerable<GroupDto> listed)
    {
        var keep = listed.Select(Key).ToHashSet();
        foreach (var gone in _groups.Keys.Where(k => !keep.Contains(k)).ToList())
        {
            _groups.Remove(gone);
        }
    }

    private static (string, string) Key(GroupDto g) => (g.BackupType ?? string.Empty, g.BackupId ?? string.Empty);

    private sealed record Group(long? LastBackup, long? Count, SnapshotFact[] Snapshots);
}

/// <summary>One snapshot as a copy needs it: its time, whether it is complete, protected, encrypted, and its verification.</summary>
internal readonly record struct SnapshotFact(long Time, byte Flags)
{
    private const byte CompleteBit = 1,
        ProtectedBit = 2,
        EncryptedBit = 4,
        VerifiedOk = 8,
        VerifyFailed = 16;

    public bool Complete => (Flags & CompleteBit) != 0;

    public bool Protected => (Flags & ProtectedBit) != 0;

    public bool Encrypted => (Flags & EncryptedBit) != 0;

    public string? Verification =>
        (Flags & VerifiedOk) != 0 ? "ok"
        : (Flags & VerifyFailed) != 0 ? "failed"
        : null;

    public static SnapshotFact Of(SnapshotDto s) =>
        new(
            s.BackupTime ?? 0,
            (byte)(
                (s.Complete ? CompleteBit : 0)
                | (s.Protected ? ProtectedBit : 0)
                | (s.Encrypted ? EncryptedBit : 0)
                | (
                    s.VerificationState == "ok" ? VerifiedOk
                    : s.VerificationState == "failed" ? VerifyFailed
                    : 0
                )
            )
        );
}
