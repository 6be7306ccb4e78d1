using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Drills;

/// <summary>A backup SelfHostSync protected because a drill proved it, and when it let it go again.</summary>
/// <param name="Guest">The guest the backup belongs to.</param>
/// <param name="Archive">The volid as PVE lists it.</param>
/// <param name="Node">The node the volid was protected through.</param>
/// <param name="BackupTime">When the backup was taken.</param>
/// <param name="DrillId">The passed drill that proved it.</param>
/// <param name="ProtectedAt">When SelfHostSync set the flag.</param>
/// <param name="ReleasedAt">When SelfHostSync cleared it (or found it gone); null while held.</param>
public sealed record HeldProtection(
    GuestKey Guest,
    string Archive,
    string Node,
    DateTimeOffset BackupTime,
    string DrillId,
    DateTimeOffset ProtectedAt,
    DateTimeOffset? ReleasedAt = null
)
{
    /// <summary>
    /// Whether a listed copy is this backup (same guest and time, on the storage the volid names, or on the PBS behind it):
    /// the production signal "has protected backups" must not count a flag that SelfHostSync set itself. Offsite copies
    /// keep their own flag.
    /// </summary>
    public bool Covers(BackupCopy copy) =>
        copy.Guest == Guest
        && !copy.Offsite
        && copy.Time == BackupTime
        && (copy.StorageId is null || Archive.StartsWith(copy.StorageId + ":", StringComparison.Ordinal));
}

/// <summary>The protection flag of backup volumes, through the storage that lists them (the drill token).</summary>
public interface IBackupProtection
{
    /// <summary>Whether the volume is protected now; null when its storage no longer lists it (pruned, deleted).</summary>
    Task<bool?> IsProtectedAsync(string node, string volid, int owner, CancellationToken cancellationToken);

    /// <summary>Sets or clears the flag; failures (privilege, the storage's limit of protected backups) are thrown with the server's text.</summary>
    Task SetProtectedAsync(string node, string volid, bool value, CancellationToken cancellationToken);
}

/// <summary>What SelfHostSync protected and released, in the state store.</summary>
public interface IProtectionStore
{
    /// <summary>The protections SelfHostSync still holds, of one guest or of all.</summary>
    Task<IReadOnlyList<HeldProtection>> HeldProtectionsAsync(GuestKey? guest, CancellationToken cancellationToken);

    Task RecordProtectedAsync(HeldProtection protection, CancellationToken cancellationToken);

    Task RecordReleasedAsync(GuestKey guest, string archive, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>What keeping a drill's proven backup did.</summary>
/// <param name="Protected">The archive this call protected, if it did.</param>
/// <param name="Released">The archives this call released (no longer among the newest proven ones).</param>
/// <param name="Note">Why the drill's backup was left as it was (already protected, newer ones kept, gone).</param>
/// <param name="Problem">What could not be done (a refusal, the storage's limit); the rest stays as it was.</param>
public sealed record ProtectionOutcome(string? Protected, IReadOnlyList<string> Released, string? Note = null, string? Problem = null);

/// <summary>
/// <c>ProtectProven</c>: after a passed drill, its backup is protected so no prune removes the last known-good one, and
/// SelfHostSync's older protections of that guest beyond the newest <c>Keep</c> proven backups are released. A backup that
/// was protected before SelfHostSync looked is never recorded, so never released: only what SelfHostSync protected is let go.
/// </summary>
public sealed class ProvenKeeper(IBackupProtection storage, IProtectionStore store, int keep, TimeProvider time)
{
    public async Task<ProtectionOutcome> KeepAsync(DrillRecord drill, CancellationToken cancellationToken)
    {
        if (drill.State != DrillState.Passed || (drill.BackupTime ?? ArchiveTime.Of(drill.Archive)) is not { } taken)
        {
            return new ProtectionOutcome(null, []);
        }

        var held = await store.HeldProtectionsAsync(drill.Guest, cancellationToken);
        var ranked = held.Select(h => (h.Archive, h.BackupTime)).ToList();
        if (!held.Any(h => h.Archive == drill.Archive))
        {
            ranked.Add((drill.Archive, taken));
        }

        var kept = ranked.OrderByDescending(r => r.BackupTime).Take(keep).Select(r => r.Archive).ToHashSet(StringComparer.Ordinal);
        string? protectedNow = null;
        string? note = null;
        if (!kept.Contains(drill.Archive))
        {
            note = $"not protected: {keep} newer proven backup(s) are kept";
        }
        else if (!held.Any(h => h.Archive == drill.Archive))
        {
            try
            {
                var state = await storage.IsProtectedAsync(drill.Node, drill.Archive, drill.Guest.Vmid, cancellationToken);
                if (state is null)
                {
                    // Gone already: the older protections stay, or the guest would be left with no protected proven backup.
                    return new ProtectionOutcome(null, [], "not protected: the storage no longer lists the backup");
                }
                else if (state == true)
                {
                    note = "already protected (not by SelfHostSync, so never released by it)";
                }
                else
                {
                    // Recorded before the flag is set: a crash in between leaves a row for an unprotected backup, which the
                    // next run releases, never a flag of ours that looks like the operator's (a production signal).
                    await store.RecordProtectedAsync(
                        new HeldProtection(drill.Guest, drill.Archive, drill.Node, taken, drill.Id, time.GetUtcNow()),
                        cancellationToken
                    );
                    try
                    {
                        await storage.SetProtectedAsync(drill.Node, drill.Archive, true, cancellationToken);
                    }
                    catch (Exception) when (!cancellationToken.IsCancellationRequested)
                    {
                        await store.RecordReleasedAsync(drill.Guest, drill.Archive, time.GetUtcNow(), CancellationToken.None);
                        throw;
                    }

                    protectedNow = drill.Archive;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The older protections stay: the newest proven backup is not safe yet.
                return new ProtectionOutcome(null, [], Problem: $"could not protect {drill.Archive}: {ex.Message}");
            }
        }

        string? problem = null;
        var released = new List<string>();
        foreach (var old in held.Where(h => !kept.Contains(h.Archive)).OrderBy(h => h.BackupTime))
        {
            try
            {
                if (await storage.IsProtectedAsync(old.Node, old.Archive, old.Guest.Vmid, cancellationToken) == true)
                {
                    await storage.SetProtectedAsync(old.Node, old.Archive, false, cancellationToken);
                }

                await store.RecordReleasedAsync(old.Guest, old.Archive, time.GetUtcNow(), cancellationToken);
                released.Add(old.Archive);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                problem = $"could not release {old.Archive}: {ex.Message}";
            }
        }

        return new ProtectionOutcome(protectedNow, released, note, problem);
    }
}

/// <summary>Takes SelfHostSync's own protection flags out of a source's copies before classification.</summary>
public static class OwnProtections
{
    public static EvidenceBatch Unmark(EvidenceBatch batch, IReadOnlyList<HeldProtection> ours)
    {
        if (ours.Count == 0 || !batch.Copies.Any(c => c.Protected))
        {
            return batch;
        }

        var byGuest = ours.ToLookup(h => h.Guest);
        return batch with
        {
            Copies = [.. batch.Copies.Select(c => c.Protected && byGuest[c.Guest].Any(h => h.Covers(c)) ? c with { Protected = false } : c)],
        };
    }
}
