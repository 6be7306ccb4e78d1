using System.Text.Json;
using System.Text.RegularExpressions;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>The storages a guest's disks live on, from its config (<c>scsi0: local-zfs:vm-100-disk-0,size=32G</c>).</summary>
internal static partial class DiskStorages
{
    public static IReadOnlyList<string> Of(IReadOnlyDictionary<string, JsonElement> config)
    {
        var storages = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in config)
        {
            if (!DiskKey().IsMatch(key) || value.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var text = value.GetString()!;
            if (text.Contains("media=cdrom", StringComparison.Ordinal))
            {
                continue;
            }

            var volume = text.Split(',', 2)[0];
            var colon = volume.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && !volume.StartsWith('/'))
            {
                storages.Add(volume[..colon]);
            }
        }

        return storages.ToList();
    }

    [GeneratedRegex(@"^(?:scsi|virtio|ide|sata|efidisk|tpmstate|unused|mp)\d+$|^rootfs$")]
    private static partial Regex DiskKey();
}
