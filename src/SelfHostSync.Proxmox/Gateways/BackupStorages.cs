using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>Which PVE storages hold backups that only PVE's content listing shows us.</summary>
internal static class BackupStorages
{
    private static readonly string[] FileStorageTypes = ["dir", "nfs", "cifs", "cephfs", "glusterfs", "btrfs"];

    /// <summary>File storages with <c>backup</c> content, and PBS storages whose server is not read directly.</summary>
    public static bool ListedThroughPve(StorageDto storage, IReadOnlySet<string> pbsServersReadDirectly)
    {
        if (storage.Type == "pbs")
        {
            return storage.Server is null || !pbsServersReadDirectly.Contains(storage.Server);
        }

        var content = (storage.Content ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
        return FileStorageTypes.Contains(storage.Type) && content.Contains("backup", StringComparer.Ordinal);
    }
}
