using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Tags;

namespace SelfHostSync.Core.Sync;

/// <summary>Names a source in reports: kind <c>pve</c>, <c>pbs</c> or <c>dsm</c>, and its configured name.</summary>
public sealed record SourceId(string Kind, string Name)
{
    public override string ToString() => $"{Kind}:{Name}";
}

/// <summary>A place evidence comes from: a PVE cluster, a backup server, a NAS.</summary>
public interface IEvidenceSource
{
    SourceId Id { get; }

    /// <summary>What this source speaks for; if it fails, all of it becomes unknown for this pass.</summary>
    IReadOnlyList<EvidenceScope> Scope { get; }

    /// <summary>Collects evidence. Partial failures are reported as gaps; a thrown exception fails the whole scope.</summary>
    Task<EvidenceBatch> CollectAsync(CancellationToken cancellationToken);
}

public enum TagWriteStatus
{
    Written,

    /// <summary>The fresh read already had the wanted managed tags; nothing was sent.</summary>
    Unchanged,

    /// <summary>The config digest changed between read and write; retried next pass after a fresh read.</summary>
    Conflict,

    /// <summary>The guest is locked (backup, migration, snapshot); retried next pass.</summary>
    Locked,
    Failed,
}

/// <summary>What happened when a tag change was applied.</summary>
public sealed record TagWriteOutcome(TagWriteStatus Status, IReadOnlyList<string> Before, IReadOnlyList<string> After, string? Detail = null);

/// <summary>Applies a managed-subset change to a guest: fresh read, digest, write. Never touches other settings.</summary>
public interface ITagWriter
{
    Task<TagWriteOutcome> WriteAsync(Guest guest, TagChange change, CancellationToken cancellationToken);
}

/// <summary>One tag write, for the audit table.</summary>
public sealed record TagWriteAudit(string RunId, GuestKey Guest, DateTimeOffset At, IReadOnlyList<string> Before, IReadOnlyList<string> After);

/// <summary>The state store as the sync pass sees it.</summary>
public interface IStateStore
{
    /// <summary>Every restore test ever seen or recorded (Proxmox task history is short).</summary>
    Task<IReadOnlyList<RestoreTest>> LoadRestoreTestsAsync(CancellationToken cancellationToken);

    /// <summary>The backups SelfHostSync protected itself (<c>ProtectProven</c>): their flag is no sign of production.</summary>
    Task<IReadOnlyList<Drills.HeldProtection>> LoadHeldProtectionsAsync(CancellationToken cancellationToken);

    /// <summary>Persists restore tests; idempotent by <see cref="RestoreTest.Id"/>.</summary>
    Task RecordRestoreTestsAsync(IReadOnlyList<RestoreTest> tests, CancellationToken cancellationToken);

    Task BeginRunAsync(string runId, DateTimeOffset startedAt, bool dryRun, CancellationToken cancellationToken);

    /// <summary>Records a write about to be sent (before the request, so a crash mid-write leaves a trace); returns its id.</summary>
    Task<long> RecordWriteIntentAsync(TagWriteAudit audit, CancellationToken cancellationToken);

    /// <summary>Settles an intent: the write happened (with the tags actually written), or it did not and the intent goes.</summary>
    Task ResolveWriteAsync(long id, TagWriteAudit audit, bool written, CancellationToken cancellationToken);

    Task CompleteRunAsync(RunReport report, CancellationToken cancellationToken);
}

/// <summary>A PVE storage as other sources see it: enough to find the NAS share behind an NFS or CIFS storage.</summary>
/// <param name="Cluster">The cluster whose storage it is.</param>
/// <param name="StorageId">The PVE storage id.</param>
/// <param name="Type">nfs, cifs, dir, pbs, ….</param>
/// <param name="Server">NFS/CIFS server (IP or host name).</param>
/// <param name="Export">NFS export, e.g. /volume1/proxmox.</param>
/// <param name="Share">CIFS share name.</param>
/// <param name="Subdir">CIFS sub-directory inside the share.</param>
public sealed record StorageRef(string Cluster, string StorageId, string Type, string? Server, string? Export, string? Share, string? Subdir);

/// <summary>The storages of every configured cluster (read once per pass by whoever implements it).</summary>
public interface IStorageDirectory
{
    IReadOnlyList<string> Clusters { get; }

    Task<IReadOnlyList<StorageRef>> StoragesAsync(string cluster, CancellationToken cancellationToken);
}

public enum DiagnosisLevel
{
    Ok,
    Warning,
    Problem,
}

/// <summary>One line of <c>doctor</c>: what was checked against which endpoint, and what to do about it.</summary>
public sealed record Diagnosis(string Subject, DiagnosisLevel Level, string Message);

/// <summary>One endpoint family's part of <c>doctor</c>: reach it and judge what the configured login may do.</summary>
public interface IEndpointDoctor
{
    Task<IReadOnlyList<Diagnosis>> DiagnoseAsync(CancellationToken cancellationToken);
}

/// <summary>The outcome of merging managed tag colours or registration into one cluster's datacenter options.</summary>
/// <param name="Cluster">The cluster.</param>
/// <param name="Ok">Whether the options are as wanted now.</param>
/// <param name="Message">What was done, or why not.</param>
public sealed record TagStyleOutcome(string Cluster, bool Ok, string Message);

/// <summary><c>Tags.ColorMap</c> / <c>Tags.Register</c>: the datacenter side of the managed tags, after a pass.</summary>
public interface ITagStyleWriter
{
    Task<IReadOnlyList<TagStyleOutcome>> ApplyAsync(TagVocabulary vocabulary, bool colorMap, bool register, CancellationToken cancellationToken);
}

/// <summary><c>doctor --synology-otp</c>: one login with a two-factor code that asks a NAS for a trusted-device id.</summary>
public interface IDeviceEnrolment
{
    /// <summary>The NAS entries that can be enrolled.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>The device to store; throws <see cref="EnrolmentException"/> with DSM's answer when refused.</summary>
    Task<EnrolledDevice> EnrolAsync(string name, string otpCode, CancellationToken cancellationToken);
}

/// <summary>A trusted device a NAS now knows.</summary>
/// <param name="Nas">The NAS entry.</param>
/// <param name="DeviceName">The name it was enrolled under.</param>
/// <param name="DeviceId">The id to store (a secret).</param>
public sealed record EnrolledDevice(string Nas, string DeviceName, string DeviceId);

/// <summary>A NAS refused the enrolment; the message says why in one line.</summary>
public sealed class EnrolmentException(string message, Exception? inner = null) : Exception(message, inner);
