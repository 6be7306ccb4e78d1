using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;
using SelfHostSync.Proxmox.Pbs;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Http;

/// <summary>How every PVE/PBS answer is read: the options (numbers may come as strings), and the generated metadata of each answer the Refit clients receive.</summary>
internal static class ProxmoxJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        PropertyNameCaseInsensitive = false,
    };

    /// <summary>
    /// The Refit settings of an endpoint's keyed clients: <see cref="Options"/> (Refit adds <see cref="ProxmoxJsonContext"/>
    /// for the answers it describes) over the endpoint's TLS-checking handler.
    /// </summary>
    public static RefitSettings Settings(Func<HttpMessageHandler> primary) =>
        new() { ContentSerializer = new SystemTextJsonContentSerializer(Options), HttpMessageHandlerFactory = primary };
}

/// <summary>The answers of <see cref="IPveApi"/>, <see cref="IPbsApi"/> and <see cref="IAccessApi"/>, generated (a type missing here fails its contract test).</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(PveData<List<ResourceDto>>))]
[JsonSerializable(typeof(PveData<List<NodeDto>>))]
[JsonSerializable(typeof(PveData<Dictionary<string, JsonElement>>))]
[JsonSerializable(typeof(PveData<JsonElement?>))]
[JsonSerializable(typeof(PveData<List<BackupJobDto>>))]
[JsonSerializable(typeof(PveData<List<Pve.StorageDto>>))]
[JsonSerializable(typeof(PveData<List<ContentDto>>))]
[JsonSerializable(typeof(PveData<List<TaskDto>>))]
[JsonSerializable(typeof(PveData<List<LogLineDto>>))]
[JsonSerializable(typeof(PveData<List<HaResourceDto>>))]
[JsonSerializable(typeof(PveData<List<NotBackedUpDto>>))]
[JsonSerializable(typeof(PveData<List<NetworkDto>>))]
[JsonSerializable(typeof(PveData<StorageStatusDto>))]
[JsonSerializable(typeof(PveData<List<VnetDto>>))]
[JsonSerializable(typeof(PveData<Dictionary<string, Dictionary<string, JsonElement>>>))]
[JsonSerializable(typeof(PveData<string>))]
[JsonSerializable(typeof(PveData<TaskStatusDto>))]
[JsonSerializable(typeof(PveData<GuestStatusDto>))]
[JsonSerializable(typeof(PveData<AgentExecStartedDto>))]
[JsonSerializable(typeof(PveData<AgentExecStatusDto>))]
[JsonSerializable(typeof(AgentExecRequest))]
[JsonSerializable(typeof(PbsData<List<DatastoreDto>>))]
[JsonSerializable(typeof(PbsData<List<DatastoreConfigDto>>))]
[JsonSerializable(typeof(PbsData<List<RemoteDto>>))]
[JsonSerializable(typeof(PbsData<List<GroupDto>>))]
[JsonSerializable(typeof(PbsData<List<PbsTaskDto>>))]
[JsonSerializable(typeof(PbsData<List<VerifyJobDto>>))]
[JsonSerializable(typeof(PbsData<List<SyncJobDto>>))]
[JsonSerializable(typeof(PbsData<Dictionary<string, Dictionary<string, JsonElement>>>))]
[JsonSerializable(typeof(TicketEnvelope))]
internal sealed partial class ProxmoxJsonContext : JsonSerializerContext;
