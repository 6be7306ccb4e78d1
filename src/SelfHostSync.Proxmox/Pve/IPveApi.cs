using System.Text.Json;
using Refit;

namespace SelfHostSync.Proxmox.Pve;

/// <summary>The PVE endpoints SelfHostSync uses, and only those (each is checked against the official schema in tests).</summary>
internal interface IPveApi
{
    [Get("/cluster/resources")]
    Task<PveData<List<ResourceDto>>> GetResourcesAsync([Query] string? type, CancellationToken cancellationToken);

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
        CancellationToken cancellationToken
    );

    [Get("/cluster/backup")]
    Task<PveData<List<BackupJobDto>>> GetBackupJobsAsync(CancellationToken cancellationToken);

    [Get("/storage")]
    Task<PveData<List<StorageDto>>> GetStoragesAsync(CancellationToken cancellationToken);

    [Get("/nodes/{node}/storage/{storage}/content")]
    Task<PveData<List<ContentDto>>> GetStorageContentAsync(string node, string storage, [Query] string content, CancellationToken cancellationToken);

    /// <summary>Archived tasks of one type (<c>typefilter</c> is an exact match, applied before <c>limit</c>), started at or after <c>since</c>.</summary>
    [Get("/nodes/{node}/tasks")]
    Task<PveData<List<TaskDto>>> GetTasksAsync(
        string node,
        [Query] int limit,
        [Query] long? since,
        [Query] string? typefilter,
        [Query] string? source,
        CancellationToken cancellationToken
    );

    [Get("/nodes/{node}/tasks/{upid}/log")]
    Task<PveData<List<LogLineDto>>> GetTaskLogAsync(string node, string upid, [Query] int limit, CancellationToken cancellationToken);

    [Get("/cluster/ha/resources")]
    Task<PveData<List<HaResourceDto>>> GetHaResourcesAsync(CancellationToken cancellationToken);

    [Get("/cluster/backup-info/not-backed-up")]
    Task<PveData<List<NotBackedUpDto>>> GetNotBackedUpAsync(CancellationToken cancellationToken);

    [Get("/cluster/options")]
    Task<PveData<Dictionary<string, JsonElement>>> GetClusterOptionsAsync(CancellationToken cancellationToken);

    [Put("/cluster/options")]
    Task<PveData<JsonElement?>> PutClusterOptionsAsync(
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );

    /// <summary>A node's interfaces; <c>any_bridge</c> lists Linux and OVS bridges and, on PVE 8+, SDN vnets.</summary>
    [Get("/nodes/{node}/network")]
    Task<PveData<List<NetworkDto>>> GetNetworkAsync(string node, [Query] string type, CancellationToken cancellationToken);

    /// <summary>A storage's size and use on one node (zeros when it is not active there).</summary>
    [Get("/nodes/{node}/storage/{storage}/status")]
    Task<PveData<StorageStatusDto>> GetStorageStatusAsync(string node, string storage, CancellationToken cancellationToken);

    /// <summary>SDN vnets and their zones (only those the caller may audit, silently).</summary>
    [Get("/cluster/sdn/vnets")]
    Task<PveData<List<VnetDto>>> GetVnetsAsync(CancellationToken cancellationToken);

    /// <summary>The caller's own privileges per ACL path (for <c>doctor</c>).</summary>
    [Get("/access/permissions")]
    Task<PveData<Dictionary<string, Dictionary<string, JsonElement>>>> GetPermissionsAsync(CancellationToken cancellationToken);

    // Restore drills: only ever called with a scratch VMID inside the drill range (PveDrillGateway guards this).

    [Get("/nodes/{node}/tasks")]
    Task<PveData<List<TaskDto>>> GetActiveTasksAsync(
        string node,
        [Query] string source,
        [Query] string typefilter,
        CancellationToken cancellationToken
    );

    [Get("/nodes/{node}/storage/{storage}/content")]
    Task<PveData<List<ContentDto>>> GetBackupsOfAsync(
        string node,
        string storage,
        [Query] string content,
        [Query] int vmid,
        CancellationToken cancellationToken
    );

    /// <summary>Restore into a new guest: <c>archive</c> (qemu) or <c>ostemplate</c> + <c>restore=1</c> (lxc); answers the task UPID.</summary>
    [Post("/nodes/{node}/{type}")]
    Task<PveData<string>> CreateGuestAsync(
        string node,
        string type,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );

    [Get("/nodes/{node}/tasks/{upid}/status")]
    Task<PveData<TaskStatusDto>> GetTaskStatusAsync(string node, string upid, CancellationToken cancellationToken);

    [Delete("/nodes/{node}/tasks/{upid}")]
    Task<PveData<JsonElement?>> StopTaskAsync(string node, string upid, CancellationToken cancellationToken);

    [Post("/nodes/{node}/{type}/{vmid}/status/start")]
    Task<PveData<string>> StartGuestAsync(string node, string type, int vmid, CancellationToken cancellationToken);

    [Post("/nodes/{node}/{type}/{vmid}/status/stop")]
    Task<PveData<string>> StopGuestAsync(string node, string type, int vmid, CancellationToken cancellationToken);

    [Get("/nodes/{node}/{type}/{vmid}/status/current")]
    Task<PveData<GuestStatusDto>> GetGuestStatusAsync(string node, string type, int vmid, CancellationToken cancellationToken);

    [Delete("/nodes/{node}/{type}/{vmid}")]
    Task<PveData<string>> DestroyGuestAsync(
        string node,
        string type,
        int vmid,
        [Query] int purge,
        [Query, AliasAs("destroy-unreferenced-disks")] int destroyUnreferencedDisks,
        CancellationToken cancellationToken
    );

    [Post("/nodes/{node}/qemu/{vmid}/agent/ping")]
    Task<PveData<JsonElement?>> PingAgentAsync(string node, int vmid, CancellationToken cancellationToken);

    /// <summary>Starts a command through the guest agent (<c>command</c> is an array since PVE 8: sent as JSON). PVE 9: <c>VM.GuestAgent.Unrestricted</c>.</summary>
    [Post("/nodes/{node}/qemu/{vmid}/agent/exec")]
    Task<PveData<AgentExecStartedDto>> ExecAsync(string node, int vmid, [Body] AgentExecRequest body, CancellationToken cancellationToken);

    [Get("/nodes/{node}/qemu/{vmid}/agent/exec-status")]
    Task<PveData<AgentExecStatusDto>> ExecStatusAsync(string node, int vmid, [Query] int pid, CancellationToken cancellationToken);

    /// <summary>Volume attributes (<c>protected</c>, <c>notes</c>); the volume id is sent escaped, PVE reads the rest of the path as one.</summary>
    [Put("/nodes/{node}/storage/{storage}/content/{volume}")]
    Task<PveData<JsonElement?>> PutVolumeAttributesAsync(
        string node,
        string storage,
        string volume,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        CancellationToken cancellationToken
    );
}
