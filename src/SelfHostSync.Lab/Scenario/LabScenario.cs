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

    public static JsonSerializerOptions Json { get; } =
        new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };

    public static LabScenario Load(string path) =>
        JsonSerializer.Deserialize<LabScenario>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty scenario");
}

/// <summary>
/// An API token. On PVE, <paramref name="Privileges"/> is a shorthand for an ACL entry on <c>/</c> (propagating) for
/// both the token and its user; tokens named in the cluster's <see cref="ClusterSpec.Acl"/> get their privileges
/// from there. <see cref="Privsep"/>: a privilege-separated token has the intersection of its own and its user's.
/// </summary>
public sealed record TokenSpec(string Id, string Secret, List<string>? Privileges = null)
{
    public bool Privsep { get; init; } = true;

    /// <summary>The user the token belongs to (<c>user@realm</c>).</summary>
    public string User => Id.Split('!')[0];
}

/// <summary>A user for ticket login (<c>POST /access/ticket</c>): user@realm, password, privileges (shorthand as for tokens).</summary>
public sealed record UserSpec(string Name, string Password, List<string>? Privileges = null)
{
    /// <summary>Two-factor login: the password only yields a challenge ticket (<c>NeedTFA</c>), not a session.</summary>
    public bool TwoFactor { get; init; }
}

/// <summary>
/// One PVE ACL entry (<c>pveum acl modify PATH --users U | --tokens T | --groups G --roles R --propagate 1</c>).
/// <paramref name="Roles"/> are comma-separated role names: PVE's built-in roles or the cluster's own.
/// </summary>
public sealed record AclSpec(string Path, string Roles, string? User = null, string? Token = null, string? Group = null, bool Propagate = true);

/// <summary>A PVE group (<c>pveum group add</c>) and its members.</summary>
public sealed record GroupSpec(string Name, List<string> Members);

public sealed record ClusterSpec
{
    public required string Name { get; init; }

    public List<string> Nodes { get; init; } = ["pve1"];

    public List<string> OfflineNodes { get; init; } = [];

    public List<TokenSpec> Tokens { get; init; } = [];

    public List<UserSpec> Users { get; init; } = [];

    /// <summary>The cluster's own roles (<c>pveum role add NAME --privs …</c>); built-in roles are known.</summary>
    public Dictionary<string, List<string>> Roles { get; init; } = [];

    public List<GroupSpec> Groups { get; init; } = [];

    /// <summary>ACL entries, evaluated as PVE does: per path component, token/user/group tiers, propagation, pools.</summary>
    public List<AclSpec> Acl { get; init; } = [];

    /// <summary>
    /// Datacenter <c>user-tag-access</c> as a property string (e.g. <c>user-allow=list,user-allow-list=a;b</c>);
    /// null is PVE's default (<c>free</c>).
    /// </summary>
    public string? UserTagAccess { get; init; }

    public List<StorageSpec> Storages { get; init; } = [];

    /// <summary>Datacenter <c>tag-style</c> as a property string (e.g. <c>shape=full,color-map=web:00ff00</c>).</summary>
    public string? TagStyle { get; init; }

    public List<string> RegisteredTags { get; init; } = [];

    public List<GuestSpec> Guests { get; init; } = [];

    public List<JobSpec> BackupJobs { get; init; } = [];

    public List<RestoreTaskSpec> RestoreTasks { get; init; } = [];

    /// <summary>SDN vnets (bridges named like a vnet belong to its zone for SDN.Use), PVE 8+.</summary>
    public List<VnetSpec> Vnets { get; init; } = [];

    /// <summary>Console opens (<c>vncproxy</c> tasks) on pve1 in the last hour: on a real node they fill the task archive.</summary>
    public int ConsoleTasks { get; init; }

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

    /// <summary>For storages limited to some nodes (<c>nodes=</c> in storage.cfg), comma-separated.</summary>
    public string? Nodes { get; init; }

    /// <summary>The storage cannot be activated (an NFS server down): listing it fails as PVE's does.</summary>
    public bool Offline { get; set; }

    /// <summary><c>max-protected-backups</c> in storage.cfg; unset: unlimited with Datastore.Allocate, else 5.</summary>
    public int? MaxProtectedBackups { get; init; }

    /// <summary>Size and use, as <c>GET …/storage/{storage}/status</c> reports them.</summary>
    public double TotalGiB { get; set; } = 1000;

    public double UsedGiB { get; set; } = 100;
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

/// <summary>An SDN vnet: a bridge of that name on every node, in <see cref="Zone"/>.</summary>
public sealed record VnetSpec(string Name, string Zone);

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

    /// <summary>For a storage that is not shared (e.g. <c>local</c>): the node whose disk holds the file.</summary>
    public string? Node { get; init; }

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

    /// <summary>Remotes (<c>/config/remote</c>): a name and the Lab PBS it points at.</summary>
    public List<RemoteSpec> Remotes { get; init; } = [];
}

/// <summary>A PBS remote: <see cref="Server"/> names another Lab PBS, whose address the remote carries.</summary>
public sealed record RemoteSpec(string Name, string Server);

public sealed record DatastoreSpec(string Name, List<string>? Namespaces)
{
    /// <summary>The <c>maintenance-mode</c> property string as <c>GET /admin/datastore</c> shows it (e.g. <c>offline,message=disk swap</c>).</summary>
    public string? Maintenance { get; set; }

    /// <summary>A removable datastore (PBS 3.3+) whose device is not mounted: <c>mount-status: notmounted</c>.</summary>
    public bool NotMounted { get; set; }

    /// <summary><c>filesystem</c> or <c>s3</c> (PBS 4).</summary>
    public string Backend { get; init; } = "filesystem";

    /// <summary>The datastore option that verifies each snapshot right after its backup.</summary>
    public bool VerifyNew { get; init; }
}

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

    /// <summary>A backup still running (or broken): PBS lists it without a manifest, so without size or verification.</summary>
    public bool InProgress { get; init; }

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

    /// <summary>Sync only: the store and namespace on the remote side.</summary>
    public string? RemoteStore { get; init; }

    public string? RemoteNs { get; init; }

    /// <summary>As PBS writes it: <c>OK</c>, <c>WARNINGS: N</c>, <c>unknown</c> or the bare error text; null while running or never run.</summary>
    public string? LastRunState { get; init; } = "OK";

    public double LastRunAgeHours { get; init; } = 2;
}
