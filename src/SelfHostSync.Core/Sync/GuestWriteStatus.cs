using System.Text.Json.Serialization;

namespace SelfHostSync.Core.Sync;

/// <summary>What became of a guest's tag change in a pass; in the report as the names below (DESIGN §6).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GuestWriteStatus>))]
public enum GuestWriteStatus
{
    /// <summary>The managed tags were already as wanted.</summary>
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>A change was planned and not sent (<c>--dry-run</c> or <c>DryRun</c>).</summary>
    [JsonStringEnumMemberName("dry-run")]
    DryRun,

    /// <summary>A change was planned and not sent (<c>Tags.Write</c> is off).</summary>
    [JsonStringEnumMemberName("disabled")]
    Disabled,

    [JsonStringEnumMemberName("written")]
    Written,

    /// <summary>The fresh read already had the wanted managed tags; nothing was sent.</summary>
    [JsonStringEnumMemberName("unchanged")]
    Unchanged,

    /// <summary>The config changed between read and write; retried next pass.</summary>
    [JsonStringEnumMemberName("conflict")]
    Conflict,

    /// <summary>The guest is locked; retried next pass.</summary>
    [JsonStringEnumMemberName("locked")]
    Locked,

    [JsonStringEnumMemberName("failed")]
    Failed,
}

public static class GuestWriteStatusCodes
{
    /// <summary>The status as the report and the terminal name it.</summary>
    public static string ToCode(this GuestWriteStatus status) =>
        status switch
        {
            GuestWriteStatus.None => "none",
            GuestWriteStatus.DryRun => "dry-run",
            GuestWriteStatus.Disabled => "disabled",
            GuestWriteStatus.Written => "written",
            GuestWriteStatus.Unchanged => "unchanged",
            GuestWriteStatus.Conflict => "conflict",
            GuestWriteStatus.Locked => "locked",
            _ => "failed",
        };

    /// <summary>A write that did not happen and is tried again next pass (or failed outright).</summary>
    public static bool IsDeferredOrFailed(this GuestWriteStatus status) =>
        status is GuestWriteStatus.Conflict or GuestWriteStatus.Locked or GuestWriteStatus.Failed;
}
