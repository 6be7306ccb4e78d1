using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Tests.Evidence;

public sealed class ProvenRestorePointTests
{
    private static readonly GuestKey Guest = new("homelab", 100);
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string?> Archives =>
        new()
        {
            { "pbs:backup/vm/100/2026-11-25T02:00:00Z", "2026-11-25T02:00:00+00:00" },
            { "local:backup/vzdump-qemu-100-2026_11_24-03_15_00.vma.zst", "2026-11-24T03:15:00+00:00" },
            { "nfs:backup/vzdump-lxc-121-2026_01_02-00_00_01.tar.zst", "2026-01-02T00:00:01+00:00" },
            { "local:backup/some-other-file.vma", null },
            { "pbs:backup/vm/100/not-a-time", null },
        };

    [Theory]
    [MemberData(nameof(Archives))]
    public void ArchiveTime_PbsAndVzdumpNames_TimeOfTheBackup(string archive, string? expected)
    {
        Assert.Equal(
            expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            ArchiveTime.Of(archive)
        );
    }

    [Fact]
    public void Of_PassedAndFailedRestores_NewestBackupThatRestored()
    {
        var tests = new[]
        {
            Test("a", "pbs:backup/vm/100/2026-11-20T02:00:00Z", passed: true, RestoreTestKind.Task, Now.AddDays(-10)),
            Test("b", "pbs:backup/vm/100/2026-11-25T02:00:00Z", passed: true, RestoreTestKind.Drill, Now.AddDays(-7)),
            Test("c", "pbs:backup/vm/100/2026-12-01T02:00:00Z", passed: false, RestoreTestKind.Drill, Now.AddDays(-1)),
            Test("d", null, passed: true, RestoreTestKind.Manual, Now),
        };

        var proven = ProvenRestorePoint.Of(tests);

        Assert.NotNull(proven);
        Assert.Equal(("pbs:backup/vm/100/2026-11-25T02:00:00Z", RestoreTestKind.Drill), (proven.Archive, proven.Kind));
        Assert.Equal(TimeSpan.FromHours(8 * 24 + 10), proven.AgeAt(Now));
    }

    [Fact]
    public void Of_NothingRestored_None()
    {
        Assert.Null(ProvenRestorePoint.Of([Test("c", "pbs:backup/vm/100/2026-12-01T02:00:00Z", passed: false, RestoreTestKind.Drill, Now)]));
    }

    [Fact]
    public void Of_ProvenBackupPrunedOrLaterFailed_NotCounted()
    {
        var older = Test("a", "pbs:backup/vm/100/2026-11-20T02:00:00Z", passed: true, RestoreTestKind.Drill, Now.AddDays(-12));
        var newer = Test("b", "pbs:backup/vm/100/2026-11-25T02:00:00Z", passed: true, RestoreTestKind.Drill, Now.AddDays(-7));
        var listedOlderOnly = new[] { Copy(new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero)) };

        Assert.Equal(older.SourceArchive, ProvenRestorePoint.Of([older, newer], listedOlderOnly)!.Archive);
        Assert.Equal(newer.SourceArchive, ProvenRestorePoint.Of([older, newer], null)!.Archive);
        var failedLater = newer with { Id = "c", Passed = false, At = Now.AddDays(-1) };
        Assert.Equal(older.SourceArchive, ProvenRestorePoint.Of([older, newer, failedLater])!.Archive);
    }

    private static BackupCopy Copy(DateTimeOffset time) =>
        new(Guest, BackupCopyKind.PbsSnapshot, "pbs/backup", "pbs", time, VerificationState.Ok, false, false, false);

    private static RestoreTest Test(string id, string? archive, bool passed, RestoreTestKind kind, DateTimeOffset at) =>
        new(id, Guest, kind, at, passed, archive, "pve1/9900", null);
}
