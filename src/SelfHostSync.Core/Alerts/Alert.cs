using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Alerts;

public enum AlertKind
{
    /// <summary>A check started failing.</summary>
    NewFailure,

    /// <summary>A failing check passes again (or its guest is gone).</summary>
    Resolved,

    /// <summary>A source could not be read.</summary>
    SourceDegraded,

    /// <summary>A degraded source answers again.</summary>
    SourceRecovered,

    /// <summary>Still open (a reminder repeats it).</summary>
    StillOpen,
}

/// <summary>
/// Something that is wrong until it is not: a failing check of a guest or inventory entry, or a degraded source.
/// </summary>
/// <param name="Key">Stable identity, e.g. <c>guest:homelab/100:restore.tested</c> or <c>source:pbs:main</c>.</param>
/// <param name="Subject">For people: "homelab/100 inference", "pbs:main", "inventory Mail".</param>
/// <param name="CheckId">The check, or null for a source.</param>
/// <param name="Level">The level of the guest or entry, when there is one.</param>
/// <param name="Detail">Why.</param>
/// <param name="Since">When it was first seen.</param>
public sealed record OpenAlert(string Key, string Subject, string? CheckId, Level? Level, string Detail, DateTimeOffset Since);

/// <summary>One change worth telling someone about.</summary>
public sealed record AlertEvent(AlertKind Kind, OpenAlert Alert)
{
    /// <summary>Untested restores lead, then other failures, degraded sources, and good news last.</summary>
    public int Rank =>
        (Kind, Alert.CheckId) switch
        {
            (AlertKind.NewFailure or AlertKind.StillOpen, Checks.CheckIds.RestoreTested) => 0,
            (AlertKind.NewFailure or AlertKind.StillOpen, _) when Alert.CheckId is not null => 1,
            (AlertKind.SourceDegraded or AlertKind.StillOpen, _) => 2,
            (AlertKind.SourceRecovered, _) => 3,
            _ => 4,
        };
}
