using System.Text.Json;
using Refit;

namespace SelfHostSync.Proxmox.Pve;

/// <summary>The PVE endpoints SelfHostSync uses, and only those (each is checked against the official schema in tests).</summary>
internal interface IPveApi
{
    [Get("/cluster/resources")]
    Task<PveData<List<ResourceDto>>> GetResourcesAsync([Query] string type, CancellationToken cancellationToken);

    [Get("/nodes")]
    Task<PveData<List<NodeDto>>> GetNodesAsync(CancellationToken cancellationToken);

    [Get("/nodes/{node}/{type}/{vmid}/config")]
    Task<PveData<Dictionary<string, JsonElement>>> GetGuestConfigAsync(string node, string type, int vmid, CancellationToken cancellationToken);

    [Put("/nodes/{node}/{type}/{vmid}/config")]
    Task<PveData<JsonElement?>> PutGuestConfigAsync(
        string node,
        string type,
        int vmid,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken);

    [Get("/cluster/backup")]
    Task<PveData<List<BackupJobDto>>> GetBackupJobsAsync(CancellationToken cancellationToken);

    [Get("/storage")]
    Task<PveData<List<StorageDto>>> GetStoragesAsync(CancellationToken cancellationToken);

    [Get("/nodes/{node}/storage/{storage}/content")]
    Task<PveData<List<ContentDto>>> GetStorageContentAsync(string node, string storage, [Query] string content, CancellationToken cancellationToken);

    [Get("/nodes/{node}/tasks")]
    Task<PveData<List<TaskDto>>> GetTasksAsync(string node, [Query] int limit, [Query] long? since, CancellationToken cancellationToken);

    [Get("/nodes/{node}/tasks/{upid}/log")]
    Task<PveData<List<LogLineDto>>> GetTaskLogAsync(string node, string upid, [Query] int limit, CancellationToken cancellationToken);

    [Get("/cluster/ha/resources")]
    Task<PveData<List<HaResourceDto>>> GetHaResourcesAsync(CancellationToken cancellationToken);

    [Get("/cluster/backup-info/not-backed-up")]
    Task<PveData<List<NotBackedUpDto>>> GetNotBackedUpAsync(CancellationToken cancellationToken);

    [Get("/cluster/options")]
    Task<PveData<Dictionary<string, JsonElement>>> GetClusterOptionsAsync(CancellationToken cancellationToken);

    [Put("/cluster/options")]
    Task<PveData<JsonElement?>> PutClusterOptionsAsync([Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form, CancellationToken cancellationToken);

    /// <summary>The caller's own privileges per ACL path (for <c>doctor</c>).</summary>
    [Get("/access/permissions")]
    Task<PveData<Dictionary<string, Dictionary<string, JsonElement>>>> GetPermissionsAsync(CancellationToken cancellationToken);
}
