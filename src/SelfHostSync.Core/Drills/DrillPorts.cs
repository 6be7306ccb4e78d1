using SelfHostSync.Core.Evidence;

namespace SelfHostSync.Core.Drills;

/// <summary>A guest as the cluster lists it: just what drills need to choose and guard.</summary>
public sealed record ClusterGuest(
    int Vmid,
    string Node,
    string Type,
    string? Name,
    IReadOnlyList<string> Tags,
    string? Lock,
    string Status,
    bool Template,
    string? Pool = null
)
{
    public bool IsDrillGuest => Tags.Contains(DrillSettings.Tag, StringComparer.OrdinalIgnoreCase);
}

/// <summary>A backup the cluster can restore from: its volid, the storage holding it, when it was taken, and its size in bytes as listed.</summary>
public sealed record BackupArchive(string Volid, string Storage, DateTimeOffset Time, long? Size = null);

/// <summary>A storage's size and free space on one node, in bytes; null figures when PVE reports none (not active there).</summary>
public sealed record StorageSpace(long Total, long Available, bool Active);

public enum DrillTaskState
{
    Running,
    Ok,
    Failed,
}

/// <summary>A PVE task as a drill waits on it; <paramref name="Detail"/> is the exit status or last error line.</summary>
public sealed record DrillTaskStatus(DrillTaskState State, string? Detail);

/// <summary>The restored guest's config as read, with the digest to write against.</summary>
public sealed record ScratchConfig(IReadOnlyDictionary<string, string> Values, string Digest)
{
    public IReadOnlyList<string> Tags =>
        (Values.GetValueOrDefault("tags") ?? string.Empty).Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries);

    public bool IsDrillGuest => Tags.Contains(DrillSettings.Tag, StringComparer.OrdinalIgnoreCase);
}

/// <summary>A restore into a scratch VMID: <c>unique=1</c>, not started, tagged and named from the first write.</summary>
public sealed record RestoreRequest(string Node, string Type, int ScratchVmid, string Archive, string TargetStorage, string Name);

public enum AgentAnswer
{
    Answered,
    NotRunning,
    NotConfigured,
}

/// <summary>
/// The cluster as a drill sees it. Implementations refuse any call that would name a VMID outside the drill range,
/// except the reads about the source guest (<see cref="BackupRunningAsync"/>, <see cref="NewestBackupAsync"/>).
/// API failures are thrown; failures PVE reports as task results are returned.
/// </summary>
public interface IDrillCluster
{
    Task<IReadOnlyList<ClusterGuest>> GuestsAsync(CancellationToken cancellationToken);

    /// <summary>Whether a backup of <paramref name="source"/> runs right now (its lock, or an active vzdump task on its node).</summary>
    Task<bool> BackupRunningAsync(ClusterGuest source, CancellationToken cancellationToken);

    /// <summary>The newest backup of <paramref name="source"/> that <paramref name="node"/> can restore from, read now.</summary>
    Task<BackupArchive?> NewestBackupAsync(ClusterGuest source, string node, CancellationToken cancellationToken);

    /// <summary>The target storage's size and free space on <paramref name="node"/>, read now.</summary>
    Task<StorageSpace> TargetSpaceAsync(string node, string storage, CancellationToken cancellationToken);

    /// <summary>Why the drill token cannot restore <paramref name="source"/> on <paramref name="node"/> and isolate it, read before any restore (empty: it can).</summary>
    Task<IReadOnlyList<string>> RestoreBlockersAsync(ClusterGuest source, string node, DrillIsolation isolation, CancellationToken cancellationToken);

    Task<string> RestoreAsync(RestoreRequest request, CancellationToken cancellationToken);

    Task<DrillTaskStatus> TaskAsync(string node, string upid, CancellationToken cancellationToken);

    Task StopTaskAsync(string node, string upid, CancellationToken cancellationToken);

    Task<ScratchConfig> ReadConfigAsync(string node, string type, int vmid, CancellationToken cancellationToken);

    Task WriteConfigAsync(string node, string type, int vmid, IsolationChange change, string digest, CancellationToken cancellationToken);

    Task<string> StartAsync(string node, string type, int vmid, CancellationToken cancellationToken);

    Task<string> StopAsync(string node, string type, int vmid, CancellationToken cancellationToken);

    /// <summary>Destroys with <c>purge=1</c> and <c>destroy-unreferenced-disks=1</c>; returns the task.</summary>
    Task<string> DestroyAsync(string node, string type, int vmid, CancellationToken cancellationToken);

    /// <summary>PVE's status of the guest: running, stopped, ….</summary>
    Task<string> StatusAsync(string node, string type, int vmid, CancellationToken cancellationToken);

    Task<AgentAnswer> PingAgentAsync(string node, int vmid, CancellationToken cancellationToken);

    /// <summary>Starts <paramref name="command"/> (program and arguments, no shell) through the guest agent; returns its pid. Agent failures throw <see cref="GuestExecException"/>.</summary>
    Task<int> ExecAsync(string node, int vmid, IReadOnlyList<string> command, CancellationToken cancellationToken);

    /// <summary>How the command is doing; once it reports <see cref="GuestExecStatus.Exited"/> the agent forgets the pid.</summary>
    Task<GuestExecStatus> ExecStatusAsync(string node, int vmid, int pid, CancellationToken cancellationToken);
}

/// <summary>Drill history in the state store; a drill is written before its first request so a crash leaves a trace.</summary>
public interface IDrillStore
{
    Task BeginDrillAsync(DrillRecord drill, CancellationToken cancellationToken);

    Task UpdateDrillAsync(DrillRecord drill, CancellationToken cancellationToken);

    /// <summary>Stores the finished drill and, in the same transaction, the restore evidence it produced.</summary>
    Task FinishDrillAsync(DrillRecord drill, RestoreTest? evidence, CancellationToken cancellationToken);

    /// <summary>Drills still marked running (their process is gone when the caller holds the drill lock), and drills whose scratch guest a cleanup could not remove.</summary>
    Task<IReadOnlyList<DrillRecord>> UnfinishedDrillsAsync(CancellationToken cancellationToken);
}
