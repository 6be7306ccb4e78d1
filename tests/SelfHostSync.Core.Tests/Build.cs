using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Tests;

/// <summary>Small builders for guests and evidence, so tests read like the matrix.</summary>
internal static class Build
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static Guest Guest(
        int vmid = 100,
        string cluster = "homelab",
        string? name = "guest",
        string tags = "",
        string? pool = null,
        bool template = false,
        bool onboot = false,
        bool protection = false,
        string? ha = null,
        string? notes = "rebuild: see wiki",
        string node = "pve1",
        bool configKnown = true,
        string[]? disks = null,
        GuestType type = GuestType.Qemu
    ) =>
        new()
        {
            Key = new GuestKey(cluster, vmid),
            Node = node,
            Type = type,
            Name = name,
            Status = "running",
            Tags = SelfHostSync.Core.Evidence.TagList.Parse(tags),
            Pool = pool,
            Template = template,
            HaState = ha,
            Config = configKnown ? new GuestConfig(onboot, protection, notes, disks ?? ["local-zfs"]) : null,
        };

    public static BackupCopy Pbs(
        GuestKey guest,
        TimeSpan age,
        VerificationState verification = VerificationState.Ok,
        bool offsite = false,
        bool protectedCopy = false,
        string storage = "pbs"
    ) => new(guest, BackupCopyKind.PbsSnapshot, storage, storage, Now - age, verification, protectedCopy, false, offsite);

    public static BackupCopy Dump(GuestKey guest, TimeSpan age, string storage = "nas-dumps") =>
        new(guest, BackupCopyKind.VzdumpFile, storage, storage, Now - age, VerificationState.None, false, false, false);

    public static RestoreTest Restore(
        GuestKey guest,
        TimeSpan age,
        bool passed = true,
        RestoreTestKind kind = RestoreTestKind.Task,
        string? note = null
    ) => new($"test-{guest}-{age.Ticks}-{kind}", guest, kind, Now - age, passed, null, null, note);

    public static BackupJob Job(string cluster, bool enabled, JobSelection selection, string id = "backup-daily") =>
        new(cluster, id, enabled, "21:00", selection, null, "pbs");

    public static GuestEvidence EvidenceOf(
        Guest guest,
        IEnumerable<BackupCopy>? copies = null,
        IEnumerable<RestoreTest>? tests = null,
        IEnumerable<BackupJob>? jobs = null,
        IEnumerable<StorageReplica>? replicas = null,
        IEnumerable<StorageHealth>? health = null,
        IEnumerable<EvidenceGap>? gaps = null
    )
    {
        var set = new EvidenceSet([guest], copies ?? [], tests ?? [], jobs ?? [], replicas ?? [], health ?? [], gaps ?? []);
        return set.For(guest);
    }

    public static EvidenceGap Gap(EvidenceKind kind, string? cluster = "homelab", string source = "pbs:pbs") =>
        new(new EvidenceScope(kind, cluster), source, "connection refused");

    public static TimeSpan Hours(double h) => TimeSpan.FromHours(h);

    public static TimeSpan Days(double d) => TimeSpan.FromDays(d);
}
