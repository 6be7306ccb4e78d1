using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfHostSync.Synology.Api;

/// <summary>The answers of <see cref="IDsmApi"/>, generated (a type missing here fails its contract test).</summary>
[JsonSerializable(typeof(DsmEnvelope<Dictionary<string, ApiInfoDto>>))]
[JsonSerializable(typeof(DsmEnvelope<LoginDto>))]
[JsonSerializable(typeof(DsmEnvelope<JsonElement?>))]
[JsonSerializable(typeof(DsmEnvelope<DsmInfoDto>))]
[JsonSerializable(typeof(DsmEnvelope<SystemInfoDto>))]
[JsonSerializable(typeof(DsmEnvelope<NetworkDto>))]
[JsonSerializable(typeof(DsmEnvelope<ShareListDto>))]
[JsonSerializable(typeof(DsmEnvelope<StorageDto>))]
[JsonSerializable(typeof(DsmEnvelope<TaskListDto>))]
[JsonSerializable(typeof(DsmEnvelope<TaskStatusDto>))]
[JsonSerializable(typeof(DsmEnvelope<LogListDto>))]
[JsonSerializable(typeof(DsmEnvelope<AbbTaskListDto>))]
[JsonSerializable(typeof(DsmEnvelope<DrPlanListDto>))]
internal sealed partial class DsmJsonContext : JsonSerializerContext;
