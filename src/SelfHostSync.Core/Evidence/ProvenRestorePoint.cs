using System.Globalization;
using System.Text.RegularExpressions;

namespace SelfHostSync.Core.Evidence;

/// <summary>
/// The newest backup of a guest known to restore: the snapshot of a passed drill, or of a recorded successful restore of
/// that very archive. Its age is the recovery point an operator can rely on, not just the newest backup taken.
/// </summary>
/// <param name="Archive">The volid or snapshot that was restored.</param>
/// <param name="BackupTime">When that backup was taken (read from the archive's name).</param>
/// <param name="ProvenAt">When the restore that proved it finished.</param>
/// <param name="Kind">How it was proven.</param>
public sealed record ProvenRestorePoint(string Archive, DateTimeOffset BackupTime, DateTimeOffset ProvenAt, RestoreTestKind Kind)
{
    /// <summary>How old the proven backup is (never negative: a vzdump name in a node's local time east of UTC reads as later).</summary>
    public TimeSpan AgeAt(DateTimeOffset now) => now > BackupTime ? now - BackupTime : TimeSpan.Zero;

    /// <summary>How it was proven, for sentences: "a drill", "a restore task", "a recorded restore".</summary>
    public string How =>
        Kind switch
        {
            RestoreTestKind.Drill => "a drill",
            RestoreTestKind.Task => "a restore task",
            _ => "a recorded restore",
        };

    /// <summary>
    /// The proven point among <paramref name="tests"/>: the newest backup whose latest restore passed (a later failed
    /// restore of the same archive withdraws it). With <paramref name="copies"/> (the complete listing of the guest's
    /// backups), only a backup still listed counts: a pruned one can no longer be restored. Without it (the listing
    /// could not be read in full) nothing is ruled out.
    /// </summary>
    public static ProvenRestorePoint? Of(IEnumerable<RestoreTest> tests, IReadOnlyList<BackupCopy>? copies = null) =>
        tests
            .Where(t => t.SourceArchive is not null)
            .GroupBy(t => t.SourceArchive!, StringComparer.Ordinal)
            .Select(g => g.MaxBy(t => t.At)!)
            .Where(t => t.Passed)
            .Select(t => ArchiveTime.Of(t.SourceArchive!) is { } taken ? new ProvenRestorePoint(t.SourceArchive!, taken, t.At, t.Kind) : null)
            .OfType<ProvenRestorePoint>()
            .Where(p => copies is null || copies.Any(c => Math.Abs((c.Time - p.BackupTime).TotalHours) < 14 && Matches(c, p.Archive)))
            .OrderByDescending(p => p.BackupTime)
            .ThenByDescending(p => p.ProvenAt)
            .FirstOrDefault();

    /// <summary>
    /// Whether a listed copy is that archive: the same time (PBS: exact; a vzdump name carries the node's local time, so
    /// within its offset) on the storage the volid names.
    /// </summary>
    private static bool Matches(BackupCopy copy, string archive) =>
        (copy.StorageId is null || archive.StartsWith(copy.StorageId + ":", StringComparison.Ordinal))
        && (archive.Contains("vzdump-", StringComparison.Ordinal) || ArchiveTime.Of(archive) == copy.Time);
}

/// <summary>When a backup was taken, from its name as PVE lists it.</summary>
public static partial class ArchiveTime
{
    /// <summary>
    /// A PBS snapshot names its time in UTC (<c>pbs:backup/vm/100/2026-11-25T02:00:00Z</c>); a vzdump file in the node's
    /// local time (<c>vzdump-qemu-100-2026_11_25-02_00_00.vma.zst</c>), read here as UTC: at most the node's offset off.
    /// </summary>
    public static DateTimeOffset? Of(string archive)
    {
        if (
            PbsTime().Match(archive) is { Success: true } pbs
            && DateTimeOffset.TryParse(pbs.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
        )
        {
            return at.ToUniversalTime();
        }

        return
            VzdumpTime().Match(archive) is { Success: true } file
            && DateTimeOffset.TryParseExact(
                file.Groups[1].Value,
                "yyyy_MM_dd-HH_mm_ss",
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal,
                out var taken
            )
            ? taken.ToUniversalTime()
            : null;
    }

    [GeneratedRegex(@"/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$")]
    private static partial Regex PbsTime();

    [GeneratedRegex(@"vzdump-(?:qemu|lxc)-\d+-(\d{4}_\d{2}_\d{2}-\d{2}_\d{2}_\d{2})")]
    private static partial Regex VzdumpTime();
}
