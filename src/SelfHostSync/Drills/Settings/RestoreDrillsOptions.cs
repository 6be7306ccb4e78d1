using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SelfHostSync.Http.Settings;
using SelfHostSync.Scheduling;

namespace SelfHostSync.Drills.Settings;

#pragma warning disable CA2227 // Lists are bound by the configuration binder.

internal sealed class DrillAreaOptions
{
    [ValidateObjectMembers]
    public RestoreDrillsOptions RestoreDrills { get; set; } = new();
}

/// <summary><c>RestoreDrills</c> as written: off by default; any of its placement keys set means it must be complete.</summary>
internal sealed class RestoreDrillsOptions
{
    public bool Enabled { get; set; }

    [QuartzCron("e.g. \"0 0 3 ? * SUN\" for Sundays 03:00")]
    public string? Schedule { get; set; }

    public string? Cluster { get; set; }

    [Named("a node name")]
    public string? Node { get; set; }

    [Named("a PVE storage id")]
    public string? TargetStorage { get; set; }

    public string? VmidRange { get; set; }

    [Isolation]
    public string? Isolation { get; set; }

    [OneOf(typeof(Core.Drills.DrillProbe), "agent or running")]
    public string? Probe { get; set; }

    [Within(5, 3600)]
    public int? RunningSeconds { get; set; }

    [Duration]
    public string? Timeout { get; set; }

    public int? MaxParallel { get; set; }

    /// <summary>Percent of the target storage that must stay free after a drill's restore (default 10).</summary>
    [Within(0, 90)]
    public int? FreeSpacePercent { get; set; }

    public List<string>? Levels { get; set; }

    public string? TokenId { get; set; }

    public string? TokenSecret { get; set; }

    public string? TokenSecretFile { get; set; }

    /// <summary>Protect the backup each passed drill proved, so no prune removes it (issue 21); off by default.</summary>
    public bool ProtectProven { get; set; }

    /// <summary>How many of a guest's newest proven backups stay protected (default 1); older ones SelfHostSync protected are released.</summary>
    [Within(1, 5)]
    public int? KeepProven { get; set; }

    /// <summary>After this many failed drills of one guest in a row, one escalated notification (default 3).</summary>
    [Within(2, 20)]
    public int? EscalateAfter { get; set; }

    /// <summary>Checks run inside each restored QEMU guest through its agent once it booted (issue 21).</summary>
    [ValidateEnumeratedItems]
    public List<ApplicationProbeOptions> ApplicationProbes { get; set; } = [];

    /// <summary>Whether any key that places drills is set: then the section must be complete.</summary>
    public bool AnySet() => Enabled || Cluster is not null || Node is not null || TargetStorage is not null || VmidRange is not null;
}

/// <summary>One application probe as written: what to run, for which guests, how long it may take, which exit code means up.</summary>
internal sealed class ApplicationProbeOptions
{
    [RequiredText]
    public string? Name { get; set; }

    /// <summary>The program and its arguments, run without a shell.</summary>
    public List<string> Command { get; set; } = [];

    public string? Tag { get; set; }

    public string? Pool { get; set; }

    /// <summary>The source guest's name; <c>*</c> matches any run of characters.</summary>
    public string? GuestName { get; set; }

    [Duration]
    public string? Timeout { get; set; }

    [Within(0, 255)]
    public int? ExitCode { get; set; }
}

/// <summary>A PVE name (node, storage, bridge): a letter or digit, then up to 62 of letters, digits, <c>_ . -</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed partial class NamedAttribute(string what) : OptionLineAttribute
{
    public static bool IsName(string? text) => text is not null && NamePattern().IsMatch(text);

    public static string Line(string key, string? value, string what) => $"{key}: '{value}' is not {what}";

    protected override string? Problem(object value) => IsName((string)value) ? null : $"'{value}' is not {what}";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,62}$")]
    private static partial Regex NamePattern();
}

/// <summary>How a scratch guest is cut off: <c>link-down</c> (default) or <c>bridge:&lt;name&gt;</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class IsolationAttribute : OptionLineAttribute
{
    public static Core.Drills.DrillIsolation? Parse(string? text) =>
        (text ?? "link-down") switch
        {
            "link-down" => Core.Drills.DrillIsolation.LinkDown,
            var t when t.StartsWith("bridge:", StringComparison.Ordinal) && NamedAttribute.IsName(t["bridge:".Length..]) => new(
                t["bridge:".Length..]
            ),
            _ => null,
        };

    protected override string? Problem(object value) => Parse((string)value) is null ? $"'{value}' is not link-down or bridge:<name>" : null;
}
