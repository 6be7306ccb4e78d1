using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfHostSync.Synology.Api;

// Wire shapes of DSM's web API, named as DSM names them (recorded shapes: ../shared/fixtures/synology).
// Every field is optional: DSM 6 and 7 differ, and stub entries exist in the wild.

internal sealed record DsmEnvelope<T>(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("data")] T? Data,
    [property: JsonPropertyName("error")] DsmErrorDto? Error
);

internal sealed record DsmErrorDto([property: JsonPropertyName("code")] int Code, [property: JsonPropertyName("errors")] JsonElement? Errors);

internal sealed record ApiInfoDto(
    [property: JsonPropertyName("maxVersion")] int MaxVersion,
    [property: JsonPropertyName("minVersion")] int MinVersion,
    [property: JsonPropertyName("path")] string Path
);

internal sealed record LoginDto(
    [property: JsonPropertyName("sid")] string? Sid,
    [property: JsonPropertyName("synotoken")] string? SynoToken,
    [property: JsonPropertyName("device_id")] string? DeviceId,
    [property: JsonPropertyName("did")] string? Did
);

internal sealed record DsmInfoDto(
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("version_string")] string? VersionString,
    [property: JsonPropertyName("time")] string? Time
);

internal sealed record SystemInfoDto(
    [property: JsonPropertyName("time")] string? Time,
    [property: JsonPropertyName("time_zone")] string? TimeZone,
    [property: JsonPropertyName("time_zone_desc")] string? TimeZoneDesc
);

internal sealed record NetworkDto(
    [property: JsonPropertyName("hostname")] string? Hostname,
    [property: JsonPropertyName("interfaces")] List<InterfaceDto>? Interfaces
);

internal sealed record InterfaceDto(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("ip")] List<AddressDto>? Ip,
    [property: JsonPropertyName("ipv6")] List<AddressDto>? Ipv6
);

internal sealed record AddressDto([property: JsonPropertyName("address")] string? Address);

internal sealed record ShareListDto([property: JsonPropertyName("shares")] List<ShareDto>? Shares);

internal sealed record ShareDto([property: JsonPropertyName("name")] string? Name, [property: JsonPropertyName("vol_path")] string? VolPath);

internal sealed record StorageDto(
    [property: JsonPropertyName("volumes")] List<VolumeDto>? Volumes,
    [property: JsonPropertyName("storagePools")] List<PoolDto>? StoragePools,
    [property: JsonPropertyName("disks")] List<DiskDto>? Disks
);

/// <summary>A disk of <c>load_info</c>: SMART state, the bad-sector and remaining-life thresholds, the pool it serves.</summary>
internal sealed record DiskDto(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("smart_status")] string? SmartStatus,
    [property: JsonPropertyName("exceed_bad_sector_thr")] bool? ExceedBadSectorThreshold,
    [property: JsonPropertyName("below_remain_life_thr")] bool? BelowRemainingLifeThreshold,
    [property: JsonPropertyName("used_by")] string? UsedBy
)
{
    /// <summary>Why this disk is failing, or null: SMART not normal (a test running is normal), too many bad sectors, worn out.</summary>
    public string? Trouble =>
        SmartStatus is { } smart && smart is not ("normal" or "smart_testing") ? $"SMART {smart}"
        : ExceedBadSectorThreshold == true ? "bad sectors above the threshold"
        : BelowRemainingLifeThreshold == true ? "remaining life below the threshold"
        : null;
}

internal sealed record VolumeDto(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("vol_path")] string? VolPath,
    [property: JsonPropertyName("pool_path")] string? PoolPath,
    [property: JsonPropertyName("status")] string? Status
);

internal sealed record PoolDto(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("disk_failure_number")] int? DiskFailureNumber
);

internal sealed record TaskListDto([property: JsonPropertyName("task_list")] List<BackupTaskDto>? TaskList);

internal sealed record BackupTaskDto
{
    [JsonPropertyName("task_id")]
    public int? TaskId { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("state")]
    public string? State { get; init; }

    [JsonPropertyName("target_type")]
    public string? TargetType { get; init; }

    [JsonPropertyName("transfer_type")]
    public string? TransferType { get; init; }

    [JsonPropertyName("source")]
    public BackupSourceDto? Source { get; init; }
}

internal sealed record BackupSourceDto([property: JsonPropertyName("file_list")] List<SourceFolderDto>? FileList);

internal sealed record SourceFolderDto(
    [property: JsonPropertyName("fullPath")] string? FullPath,
    [property: JsonPropertyName("missing")] bool? Missing
);

internal sealed record TaskStatusDto
{
    [JsonPropertyName("state")]
    public string? State { get; init; }

    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("last_bkp_result")]
    public string? LastResult { get; init; }

    [JsonPropertyName("last_bkp_success_time")]
    public string? LastSuccessTime { get; init; }
}

internal sealed record LogListDto([property: JsonPropertyName("log_list")] List<LogLineDto>? LogList);

internal sealed record LogLineDto([property: JsonPropertyName("event")] string? Event, [property: JsonPropertyName("time")] string? Time);

internal sealed record AbbTaskListDto([property: JsonPropertyName("tasks")] List<AbbTaskDto>? Tasks);

internal sealed record AbbTaskDto(
    [property: JsonPropertyName("task_id")] int? TaskId,
    [property: JsonPropertyName("task_name")] string? TaskName,
    [property: JsonPropertyName("backup_type")] int? BackupType,
    [property: JsonPropertyName("last_result")] AbbResultDto? LastResult
);

/// <summary>ABB result: <c>status</c> 2 success, 3 partial, 4 failed, 5 cancelled, 6 no backup; times epoch seconds.</summary>
internal sealed record AbbResultDto([property: JsonPropertyName("status")] int? Status, [property: JsonPropertyName("time_end")] long? TimeEnd);

internal sealed record DrPlanListDto([property: JsonPropertyName("plans")] List<DrPlanDto>? Plans);

/// <summary>
/// A plan of <c>SYNO.DR.Plan list</c>: the requested <c>additional</c> fields (<c>dr_site_info</c>, <c>last_op_info</c>)
/// are nested under <c>additional</c>, as DSM 7 answers (N4S4 synology-api <c>list_replication_plans</c> capture).
/// </summary>
internal sealed record DrPlanDto(
    [property: JsonPropertyName("plan_id")] string? PlanId,
    [property: JsonPropertyName("target_id")] string? TargetId,
    [property: JsonPropertyName("additional")] DrPlanAdditionalDto? Additional
);

internal sealed record DrPlanAdditionalDto(
    [property: JsonPropertyName("dr_site_info")] DrSiteDto? DrSite,
    [property: JsonPropertyName("last_op_info")] DrOpDto? LastOp
);

internal sealed record DrSiteDto([property: JsonPropertyName("hostname")] string? Hostname);

internal sealed record DrOpDto(
    [property: JsonPropertyName("is_success")] bool? IsSuccess,
    [property: JsonPropertyName("update_time")] long? UpdateTime,
    [property: JsonPropertyName("err_code")] int? ErrCode
);
