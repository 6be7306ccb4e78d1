namespace SelfHostSync.Configuration;

// Binding shapes of the "SelfHostSync" configuration section (DESIGN §5). Validated into AppConfig by ConfigValidator.
#pragma warning disable CA1056, CA2227 // URLs are strings in JSON; lists are bound by the configuration binder.

internal sealed class SelfHostSyncOptions
{
    public string? Schedule { get; set; }

    public bool DryRun { get; set; }

    public string? StateDirectory { get; set; }

    public ControlApiOptions ControlApi { get; set; } = new();

    public List<ProxmoxOptions> Proxmox { get; set; } = [];

    public List<BackupServerOptions> BackupServers { get; set; } = [];

    public List<SynologyOptions> Synology { get; set; } = [];

    public IntentOptions Intent { get; set; } = new();

    public Dictionary<string, PolicyOptions> Policies { get; set; } = [];

    public TagsOptions Tags { get; set; } = new();

    public NotesOptions Notes { get; set; } = new();

    public List<InventoryOptions> Inventory { get; set; } = [];

    public NotificationsOptions Notifications { get; set; } = new();

    /// <summary>How long run history is kept (d.hh:mm:ss, default 180 days).</summary>
    public string? Retention { get; set; }

    /// <summary>How long one source (a cluster, a PBS, a NAS) may take to collect in a pass (default 10 minutes).</summary>
    public string? SourceTimeout { get; set; }

    public LoggingOptions Logging { get; set; } = new();

    public RestoreDrillsOptions RestoreDrills { get; set; } = new();
}

internal sealed class ControlApiOptions
{
    public string? Urls { get; set; }

    public string? Token { get; set; }
}

internal class EndpointOptions
{
    public string? Name { get; set; }

    public string? Url { get; set; }

    public string? TokenId { get; set; }

    public string? TokenSecret { get; set; }

    public string? TokenSecretFile { get; set; }

    /// <summary>Ticket login instead of a token: user@realm.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? PasswordFile { get; set; }

    public string? Fingerprint { get; set; }

    public bool InsecureSkipVerify { get; set; }

    public int? MaxConcurrentRequests { get; set; }

    public string? Timeout { get; set; }
}

internal sealed class ProxmoxOptions : EndpointOptions
{
    public string? HardwareOwner { get; set; }

    public string? ConfigRefresh { get; set; }
}

internal sealed class BackupServerOptions : EndpointOptions
{
    public bool Offsite { get; set; }

    public List<string> OffsiteRemotes { get; set; } = [];

    /// <summary>Datastores with an S3 backend (PBS 4) keep their data in object storage elsewhere: off site.</summary>
    public bool S3Offsite { get; set; }
}

internal sealed class SynologyOptions
{
    public string? Name { get; set; }

    public string? Url { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? PasswordFile { get; set; }

    public string? DeviceName { get; set; }

    public string? DeviceId { get; set; }

    public string? DeviceIdFile { get; set; }

    public string? Fingerprint { get; set; }

    public bool InsecureSkipVerify { get; set; }

    /// <summary>Hyper Backup to another Synology counts as off site (only when that NAS really is elsewhere).</summary>
    public bool RemoteVaultOffsite { get; set; }

    /// <summary>Hyper Backup destinations that are off site: <c>target_type:transfer_type</c> or a transfer type (C2 always is).</summary>
    public List<string> OffsiteDestinations { get; set; } = [];

    public string? Timeout { get; set; }
}

internal sealed class IntentOptions
{
    public Dictionary<string, string>? Tags { get; set; }

    public List<IntentRuleOptions> Rules { get; set; } = [];

    public int? InferProductionFrom { get; set; }
}

internal sealed class IntentRuleOptions
{
    public string? Vmid { get; set; }

    public string? Name { get; set; }

    public string? Pool { get; set; }

    public string? Node { get; set; }

    public string? Tag { get; set; }

    public string? Cluster { get; set; }

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
    public string? Name { get; set; }

    public string? Level { get; set; }

    public string? Vendor { get; set; }

    public string? DataLocation { get; set; }

    public bool? Mfa { get; set; }

    public string? ExportTested { get; set; }

    public string? LastBackup { get; set; }

    public string? RestoreTested { get; set; }

    public string? Monitoring { get; set; }

    public string? Patched { get; set; }
}

internal sealed class RestoreDrillsOptions
{
    public bool Enabled { get; set; }

    public string? Schedule { get; set; }

    public string? Cluster { get; set; }

    public string? Node { get; set; }

    public string? TargetStorage { get; set; }

    public string? VmidRange { get; set; }

    public string? Isolation { get; set; }

    public string? Probe { get; set; }

    public int? RunningSeconds { get; set; }

    public string? Timeout { get; set; }

    public int? MaxParallel { get; set; }

    /// <summary>Percent of the target storage that must stay free after a drill's restore (default 10).</summary>
    public int? FreeSpacePercent { get; set; }

    public List<string>? Levels { get; set; }

    public string? TokenId { get; set; }

    public string? TokenSecret { get; set; }

    public string? TokenSecretFile { get; set; }
}
