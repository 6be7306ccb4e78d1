namespace SelfHostSync.Lab.Scenario;

/// <summary>A simulated Synology NAS: network identity, volumes and shares, Hyper Backup tasks, one account.</summary>
public sealed record SynologySpec
{
    public required string Name { get; init; }

    public string Hostname { get; init; } = "nas";

    public List<string> Addresses { get; init; } = ["192.168.1.20"];

    public string Account { get; init; } = "selfhostsync";

    public required string Password { get; init; }

    /// <summary>False: the account is not in the administrators group (storage and backup APIs answer 105).</summary>
    public bool Admin { get; init; } = true;

    /// <summary>When set, 2FA is on and this is the only valid one-time code.</summary>
    public string? Otp { get; init; }

    /// <summary>The NAS's UTC offset in hours (Hyper Backup times are local strings).</summary>
    public double UtcOffsetHours { get; init; } = 1;

    /// <summary>Failed logins before DSM's auto-block answers 407 to everything from us.</summary>
    public int BlockAfterFailedLogins { get; init; } = 3;

    public bool HyperBackupInstalled { get; init; } = true;

    public List<NasPoolSpec> Pools { get; init; } = [new NasPoolSpec("reuse_1", "normal")];

    public List<NasVolumeSpec> Volumes { get; init; } = [new NasVolumeSpec("volume_1", "/volume1", "reuse_1", "normal")];

    public List<NasShareSpec> Shares { get; init; } = [];

    public List<HyperBackupSpec> HyperBackupTasks { get; init; } = [];

    /// <summary>Active Backup for Business tasks (installed when any is listed): name → last result status (2 ok, 4 failed).</summary>
    public Dictionary<string, int> ActiveBackupTasks { get; init; } = [];

    /// <summary>Snapshot Replication plans (installed when any is listed): share → DR host.</summary>
    public Dictionary<string, string> ReplicationPlans { get; init; } = [];

    /// <summary>Hyper Backup log lines (integrity checks), newest first.</summary>
    public List<string> BackupLog { get; init; } = [];
}

/// <summary>A storage pool and its disks (default: one healthy disk).</summary>
public sealed record NasPoolSpec(string Id, string Status, int DiskFailures = 0)
{
    public List<NasDiskSpec>? Disks { get; init; }
}

/// <summary>A disk as <c>load_info</c> lists it: SMART state and the bad-sector and remaining-life thresholds.</summary>
public sealed record NasDiskSpec(string Id, string Name, string Smart = "normal", bool BadSectors = false, bool LowLife = false);

public sealed record NasVolumeSpec(string Id, string Path, string Pool, string Status);

public sealed record NasShareSpec(string Name, string Volume);

public sealed record HyperBackupSpec
{
    public required int Id { get; init; }

    public required string Name { get; init; }

    /// <summary>Absolute NAS paths backed up, e.g. /volume1/proxmox-dumps.</summary>
    public List<string> Sources { get; init; } = [];

    public string TargetType { get; init; } = "cloud_image";

    public string TransferType { get; init; } = "synocloud_swift";

    public string State { get; init; } = "backupable";

    public string LastResult { get; init; } = "done";

    /// <summary>Hours before lab start of the last successful run; null: never succeeded.</summary>
    public double? LastSuccessAgeHours { get; init; }
}
