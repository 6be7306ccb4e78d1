using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>Which PVE storages hold backups that only PVE's content listing shows us.</summary>
internal static class BackupStorages
{
    private static readonly string[] FileStorageTypes = ["dir", "nfs", "cifs", "cephfs", "glusterfs", "btrfs"];

    /// <summary>File storages with <c>backup</c> content, and PBS storages whose server is not read directly.</summary>
    public static bool ListedThroughPve(StorageDto storage, PbsHosts readDirectly)
    {
        if (storage.Type == "pbs")
        {
            return readDirectly.Find(storage.Server, Wire.Int(storage.Port)) is null;
        }

        var content = (storage.Content ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
        return FileStorageTypes.Contains(storage.Type) && content.Contains("backup", StringComparer.Ordinal);
    }

    /// <summary>
    /// A PBS snapshot without a manifest (still being written, or broken): PVE lists it with <c>size</c> 1
    /// (PBSPlugin <c>list_volumes</c>: <c>$item->{size} // 1</c>). It is no copy yet, and nothing to restore.
    /// </summary>
    public static bool Unfinished(ContentDto item) => item.Format is "pbs-vm" or "pbs-ct" && item.Size is <= 1;
}
