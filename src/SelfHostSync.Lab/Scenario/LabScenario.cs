using System.Text.Json;
using System.Text.Json.Serialization;

namespace SelfHostSync.Lab.Scenario;

/// <summary>
/// A lab scenario (JSON in <c>config/</c>): clusters with guests, storages, jobs and restore tasks; backup servers
/// with datastores and snapshots. Times are ages relative to the moment the lab starts, so a scenario never rots.
/// </summary>
public sealed record LabScenario
{
    public List<ClusterSpec> Clusters { get; init; } = [];

    public List<BackupServerSpec> BackupServers { get; init; } = [];

    public List<SynologySpec> Synology { get; init; } = [];

    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static LabScenario Load(string path) =>
        JsonSerializer.Deserialize<LabScenario>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path}: empty scenario");
}

public sealed record TokenSpec(string Id, string Secret, List<string> Privileges);

/// <summary>A user for ticket login (<c>POST /access/ticket</c>): user@realm, password, privileges.</summary>
public sealed record UserSpec(string Name, string Password, List<string> Privileges);

public sealed record ClusterSpec
{
    public required string Name { get; init; }

    public List<string> Nodes { get; init; } = ["pve1"];

    public List<string> OfflineNodes { get; init; } = [];

    public List<TokenSpec> Tokens { get; init; } = [];

    public List<UserSpec> Users { get; init; } = [];

    public List<StorageSpec> Storages { get; init; } = [];

    /// <summary>Datacenter <c>tag-style</c> as a property string (e.g. <c>shape=full,color-map=web:00ff00</c>).</summary>
    public string? TagStyle { get; init; }

    public List<string> RegisteredTags { get; init; } = [];

    public List<GuestSpec> Guests { get; init; } = [];

    public List<JobSpec> BackupJobs { get; init; } = [];

    public List<RestoreTaskSpec> RestoreTasks { get; init; } = [];

    public List<DumpSpec> Dumps { get; init; } = [];
}

public sealed record StorageSpec
{
    public required string Storage { get; init; }

    public required string Type { get; init; }

    public string Content { get; init; } = "images,rootdir";

    public bool Shared { get; init; }

    /// <summary>For pbs storages: the backup server's name in this scenario (resolved to its loopback address).</summary>
    public string? BackupServer { get; init; }

    public string? Server { get; init; }

    public string? Datastore { get; init; }

    public string? Namespace { get; init; }

    public string? Export { get; init; }

    public string? Share { get; init; }
}

public sealed record GuestSpec
{
    public required int Vmid { get; init; }

    public string Type { get; init; } = "qemu";

    public required string Name { get; init; }

    public string Node { get; init; } = "pve1";

    public string? Tags { get; init; }

    public string? Pool { get; init; }

    public bool Template { get; init; }

    public bool OnBoot { get; init; }

    public bool Protection { get; init; }

    public string? Description { get; init; }

    public string? HaState { get; init; }

    public string? Lock { get; init; }

    public string Status { get; init; } = "running";

    /// <summary>Disk entries, e.g. <c>{"scsi0": "local-zfs:vm-100-disk-0,size=32G"}</c>.</summary>
    public Dictionary<string, string> Disks { get; init; } = [];
}

public sealed record JobSpec
{
    public required string Id { get; init; }

    public bool Enabled { get; init; } = true;

    public string Schedule { get; init; } = "21:00";

    public string? Storage { get; init; }

    public string? Vmid { get; init; }

    public bool All { get; init; }

    public string? Exclude { get; init; }

    public string? Pool { get; init; }

    public string? Node { get; init; }
}

/// <summary>A finished restore task: qmrestore from PBS or vma, or vzrestore from a volid.</summary>
public sealed record RestoreTaskSpec
{
    public string Node { get; init; } = "pve1";

    public required int TargetVmid { get; init; }

    public required int SourceVmid { get; init; }

    public string Type { get; init; } = "qmrestore";

    /// <summary>pbs, vma or volid.</summary>
    public string From { get; init; } = "pbs";

    public double AgeHours { get; init; }

    public bool Ok { get; init; } = true;
}

/// <summary>A vzdump file on a file storage.</summary>
public sealed record DumpSpec
{
    public required string Storage { get; init; }

    public required int Vmid { get; init; }

    public string Type { get; init; } = "qemu";

    public double AgeHours { get; init; }

    public bool Protected { get; init; }
}

public sealed record BackupServerSpec
{
    public required string Name { get; init; }

    public List<TokenSpec> Tokens { get; init; } = [];

    public List<UserSpec> Users { get; init; } = [];

    public List<DatastoreSpec> Datastores { get; init; } = [];

    public List<PbsJobSpec> VerifyJobs { get; init; } = [];

    public List<PbsJobSpec> SyncJobs { get; init; } = [];

    /// <summary>False simulates a PBS before 3.3: no push sync, <c>sync-direction</c> refused.</summary>
    public bool PushSync { get; init; } = true;

    public List<SnapshotSpec> Snapshots { get; init; } = [];
}

public sealed record DatastoreSpec(string Name, List<string>? Namespaces);

public sealed record SnapshotSpec
{
    public required string Datastore { get; init; }

    public string Namespace { get; init; } = "";

    public string Type { get; init; } = "vm";

    public required int Id { get; init; }

    public double AgeHours { get; init; }

    /// <summary>ok, failed, or null (never verified).</summary>
    public string? Verification { get; init; }

    public bool Protected { get; init; }

    public bool Encrypted { get; init; }

    /// <summary>Repeat this snapshot every <see cref="EveryHours"/> hours, <see cref="Count"/> times, going back in time.</summary>
    public int Count { get; init; } = 1;

    public double EveryHours { get; init; } = 24;
}

/// <summary>A PBS verify or sync job with the state of its last run.</summary>
public sealed record PbsJobSpec
{
    public required string Id { get; init; }

    public required string Store { get; init; }

    public string? Ns { get; init; }

    public int? MaxDepth { get; init; }

    public string Schedule { get; init; } = "daily";

    /// <summary>Sync only: the remote, and push or pull.</summary>
    public string? Remote { get; init; }

    public string Direction { get; init; } = "push";

    public string LastRunState { get; init; } = "ok";

    public double LastRunAgeHours { get; init; } = 2;
}
