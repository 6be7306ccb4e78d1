using System.Globalization;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Control;

/// <summary>Body of <c>POST /api/restore-tests</c> (and what <c>restore-test record</c> builds).</summary>
internal sealed record ManualRestoreTest(string? Cluster, int? Vmid, string? Result, DateTimeOffset? At, string? Note, string? Archive = null)
{
    public RestoreTest? ToRestoreTest(DateTimeOffset now, out string? error)
    {
        error = (Cluster, Vmid, Result) switch
        {
            (null or "", _, _) => "cluster is required",
            _ when Cluster.Length > 64 || !Cluster.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') =>
                "cluster is not a cluster name (letters, digits, - _ ., at most 64)",
            (_, null or < 100 or > 999_999_999, _) => "vmid must be a VMID (100–999999999)",
            (_, _, not ("passed" or "failed")) => $"result must be passed or failed, not '{Result}'",
            _ when At > now + TimeSpan.FromMinutes(5) => "at lies in the future",
            _ when Note?.Length > 500 => "note is longer than 500 characters",
            _ when Archive is not null && (Archive.Length > 300 || ArchiveTime.Of(Archive) is null) =>
                "archive is not a backup with its time in the name (pbs:backup/vm/100/2026-11-25T02:00:00Z or local:backup/vzdump-qemu-100-2026_11_25-02_00_00.vma.zst)",
            _ => null,
        };
        if (error is not null)
        {
            return null;
        }

        var at = At ?? now;
        return new RestoreTest(
            string.Create(CultureInfo.InvariantCulture, $"manual:{Cluster}/{Vmid}/{at.ToUnixTimeSeconds()}/{Guid.NewGuid():N}"),
            new GuestKey(Cluster!, Vmid!.Value),
            RestoreTestKind.Manual,
            at,
            Result == "passed",
            Archive,
            null,
            string.IsNullOrWhiteSpace(Note) ? null : Note.Trim()
        );
    }
}
