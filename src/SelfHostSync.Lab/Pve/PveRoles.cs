namespace SelfHostSync.Lab.Pve;

/// <summary>PVE 9's built-in roles and their privileges (pve-access-control <c>AccessControl.pm</c> <c>$privgroups</c>).</summary>
internal static class PveRoles
{
    private static readonly string[] VmUser =
    [
        "VM.Config.CDROM",
        "VM.Config.Cloudinit",
        "VM.Console",
        "VM.Backup",
        "VM.GuestAgent.FileRead",
        "VM.GuestAgent.FileSystemMgmt",
        "VM.GuestAgent.FileWrite",
        "VM.PowerMgmt",
        "VM.Audit",
        "VM.GuestAgent.Audit",
    ];

    private static readonly string[] VmAdmin =
    [
        .. VmUser,
        "VM.Config.Disk",
        "VM.Config.CPU",
        "VM.Config.Memory",
        "VM.Config.Network",
        "VM.Config.HWType",
        "VM.Config.Options",
        "VM.Allocate",
        "VM.Clone",
        "VM.GuestAgent.Unrestricted",
        "VM.Migrate",
        "VM.Replicate",
        "VM.Snapshot",
        "VM.Snapshot.Rollback",
    ];

    private static readonly string[] Other =
    [
        "Sys.PowerMgmt",
        "Sys.Modify",
        "Sys.Incoming",
        "Sys.AccessNetwork",
        "Sys.Console",
        "Sys.Syslog",
        "Sys.Audit",
        "Realm.Allocate",
        "Realm.AllocateUser",
        "Permissions.Modify",
        "User.Modify",
        "Group.Allocate",
        "Pool.Allocate",
        "Pool.Audit",
        "Datastore.Allocate",
        "Datastore.AllocateTemplate",
        "Datastore.AllocateSpace",
        "Datastore.Audit",
        "SDN.Allocate",
        "SDN.Audit",
        "SDN.Use",
        "Mapping.Modify",
        "Mapping.Use",
        "Mapping.Audit",
    ];

    public static IReadOnlyList<string> All { get; } = [.. VmAdmin, .. Other];

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> BuiltIn { get; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["Administrator"] = All,
            ["NoAccess"] = [],
            ["PVEAuditor"] = ["VM.Audit", "VM.GuestAgent.Audit", "Sys.Audit", "Datastore.Audit", "SDN.Audit", "Pool.Audit", "Mapping.Audit"],
            ["PVEVMUser"] = VmUser,
            ["PVEVMAdmin"] = VmAdmin,
            ["PVEDatastoreUser"] = ["Datastore.AllocateSpace", "Datastore.Audit"],
            ["PVEDatastoreAdmin"] = ["Datastore.Allocate", "Datastore.AllocateTemplate", "Datastore.AllocateSpace", "Datastore.Audit"],
            ["PVEPoolUser"] = ["Pool.Audit"],
            ["PVEPoolAdmin"] = ["Pool.Allocate", "Pool.Audit"],
            ["PVESDNUser"] = ["SDN.Use", "SDN.Audit"],
            ["PVESDNAdmin"] = ["SDN.Allocate", "SDN.Audit", "SDN.Use"],
            ["PVESysAdmin"] = ["Sys.Console", "Sys.Syslog", "Sys.Audit"],
            ["PVETemplateUser"] = ["VM.Clone", "VM.Audit"],
            ["PVEMappingUser"] = ["Mapping.Use", "Mapping.Audit"],
        };
}
