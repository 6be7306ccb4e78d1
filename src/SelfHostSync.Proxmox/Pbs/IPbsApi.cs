using Refit;

namespace SelfHostSync.Proxmox.Pbs;

/// <summary>The PBS endpoints SelfHostSync uses, and only those.</summary>
internal interface IPbsApi
{
    [Get("/admin/datastore")]
    Task<PbsData<List<DatastoreDto>>> GetDatastoresAsync(CancellationToken cancellationToken);

    /// <summary>Datastore configurations the caller may audit (for <c>verify-new</c>).</summary>
    [Get("/config/datastore")]
    Task<PbsData<List<DatastoreConfigDto>>> GetDatastoreConfigsAsync(CancellationToken cancellationToken);

    /// <summary>Remotes the caller has Remote.Audit on; the others are left out without an error.</summary>
    [Get("/config/remote")]
    Task<PbsData<List<RemoteDto>>> GetRemotesAsync(CancellationToken cancellationToken);

    /// <summary>The answer as a stream: a datastore can list 100,000s of snapshots, read one at a time (DataArrayReader).</summary>
    [Get("/admin/datastore/{store}/snapshots")]
    Task<Stream> GetSnapshotsAsync(string store, [Query] string? ns, CancellationToken cancellationToken);

    /// <summary>One group's snapshots (a guest's backups on the datastore namespace), streamed like the whole listing.</summary>
    [Get("/admin/datastore/{store}/snapshots")]
    Task<Stream> GetGroupSnapshotsAsync(
        string store,
        [Query] string? ns,
        [AliasAs("backup-type")] [Query] string type,
        [AliasAs("backup-id")] [Query] string id,
        CancellationToken cancellationToken
    );

    /// <summary>The backup groups of a datastore namespace: last backup and count per guest (filtered like snapshots).</summary>
    [Get("/admin/datastore/{store}/groups")]
    Task<PbsData<List<GroupDto>>> GetGroupsAsync(string store, [Query] string? ns, CancellationToken cancellationToken);

    /// <summary>
    /// Tasks that started at or after <paramref name="since"/>, newest first, all of them (<c>limit=0</c>). Without
    /// Sys.Audit on /system/tasks PBS leaves out most other users' tasks, silently.
    /// </summary>
    [Get("/nodes/localhost/tasks")]
    Task<PbsData<List<PbsTaskDto>>> GetTasksAsync([Query] long since, [Query] int limit, CancellationToken cancellationToken);

    [Get("/admin/verify")]
    Task<PbsData<List<VerifyJobDto>>> GetVerifyJobsAsync(CancellationToken cancellationToken);

    /// <summary>Sync jobs; <paramref name="direction"/> ("all") exists from PBS 3.3 (push sync) and is refused before.</summary>
    [Get("/admin/sync")]
    Task<PbsData<List<SyncJobDto>>> GetSyncJobsAsync([AliasAs("sync-direction")] [Query] string? direction, CancellationToken cancellationToken);

    /// <summary>The caller's own privileges per ACL path (for <c>doctor</c>).</summary>
    [Get("/access/permissions")]
    Task<PbsData<Dictionary<string, Dictionary<string, System.Text.Json.JsonElement>>>> GetPermissionsAsync(CancellationToken cancellationToken);
}
