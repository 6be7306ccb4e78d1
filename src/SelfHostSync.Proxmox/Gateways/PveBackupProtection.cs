using System.Globalization;
using SelfHostSync.Core.Drills;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// The protection flag of backup volumes through PVE (decision 018): <c>PUT /nodes/{node}/storage/{storage}/content/{volume}</c>
/// with <c>protected</c>. PVE checks the same volume access a restore of it needs, then sets the flag on the PBS
/// datastore (with the storage's own credentials) or as the <c>.protected</c> file of a vzdump archive.
/// </summary>
internal sealed class PveBackupProtection(PveCluster cluster, IPveApi api) : IBackupProtection
{
    public async Task<bool?> IsProtectedAsync(string node, string volid, int owner, CancellationToken cancellationToken)
    {
        var storage = StorageOf(volid);
        var what = $"GET /nodes/{node}/storage/{storage}/content";
        var items = await ProxmoxClients.Call(cluster.Endpoint, what, () => api.GetBackupsOfAsync(node, storage, "backup", owner, cancellationToken));
        var item = ProxmoxClients.Require(cluster.Endpoint, what, items.Data).FirstOrDefault(i => i.Volid == volid);
        return item is null ? null : Wire.Bool(item.Protected);
    }

    public async Task SetProtectedAsync(string node, string volid, bool value, CancellationToken cancellationToken)
    {
        var storage = StorageOf(volid);
        var form = new Dictionary<string, string>(StringComparer.Ordinal) { ["protected"] = value ? "1" : "0" };
        await ProxmoxClients.Call(
            cluster.Endpoint,
            string.Create(CultureInfo.InvariantCulture, $"PUT /nodes/{node}/storage/{storage}/content/{volid} (protected={form["protected"]})"),
            () => api.PutVolumeAttributesAsync(node, storage, volid, form, cancellationToken)
        );
    }

    private static string StorageOf(string volid) =>
        volid.IndexOf(':', StringComparison.Ordinal) is var colon and > 0
            ? volid[..colon]
            : throw new ArgumentException($"'{volid}' is not a volume id (storage:name)", nameof(volid));
}
