using Microsoft.Extensions.Options;
using SelfHostSync.Http.Settings;

namespace SelfHostSync.Passes.Settings;

// What a pass judges by, as written in the SelfHostSync section (SyncRules checks it, PassSettings builds from it).
#pragma warning disable CA2227 // Lists and maps are bound by the configuration binder.

internal sealed class SyncOptions
{
    public bool DryRun { get; set; }

    public string? StateDirectory { get; set; }

    [ValidateObjectMembers]
    public IntentOptions Intent { get; set; } = new();

    public Dictionary<string, PolicyOptions> Policies { get; set; } = [];

    public TagsOptions Tags { get; set; } = new();

    public NotesOptions Notes { get; set; } = new();

    [ValidateEnumeratedItems]
    public List<InventoryOptions> Inventory { get; set; } = [];

    /// <summary>How long one source (a cluster, a PBS, a NAS) may take to collect in a pass (default 10 minutes).</summary>
    [Duration]
    public string? SourceTimeout { get; set; }
}

internal sealed class IntentOptions
{
    public Dictionary<string, string>? Tags { get; set; }

    [ValidateEnumeratedItems]
    public List<IntentRuleOptions> Rules { get; set; } = [];

    [Within(1, 5, "is outside 1–5 (there are 5 production signals)")]
    public int? InferProductionFrom { get; set; }
}

internal sealed class IntentRuleOptions
{
    [VmidRange]
    public string? Vmid { get; set; }

    public string? Name { get; set; }

    public string? Pool { get; set; }

    public string? Node { get; set; }

    public string? Tag { get; set; }

    public string? Cluster { get; set; }

    [IntentLevel]
    public string? Level { get; set; }
}

internal sealed class PolicyOptions
{
    public string? BackupMaxAge { get; set; }

    public string? VerifyMaxAge { get; set; }

    public string? RestoreTestMaxAge { get; set; }

    public string? OffsiteMaxAge { get; set; }
}

internal sealed class TagsOptions
{
    public bool Write { get; set; } = true;

    public bool ColorMap { get; set; }

    public bool Register { get; set; }

    public Dictionary<string, string> Names { get; set; } = [];
}

internal sealed class NotesOptions
{
    /// <summary>Show the first line of each guest's notes as its documentation evidence (default true).</summary>
    public bool Excerpt { get; set; } = true;
}

internal sealed class InventoryOptions
{
    [RequiredText]
    public string? Name { get; set; }

    [InventoryLevel]
    public string? Level { get; set; }

    public string? Vendor { get; set; }

    public string? DataLocation { get; set; }

    public bool? Mfa { get; set; }

    [Date]
    public string? ExportTested { get; set; }

    [Date]
    public string? LastBackup { get; set; }

    [Date]
    public string? RestoreTested { get; set; }

    public string? Monitoring { get; set; }

    [Date]
    public string? Patched { get; set; }
}
