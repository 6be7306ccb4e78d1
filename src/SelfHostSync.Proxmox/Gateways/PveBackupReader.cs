using System.Collections.Concurrent;
using System.Globalization;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>The backups one PVE cluster lists on its storages, with what PVE may hide from the token.</summary>
internal sealed class PveBackupReader(PveCluster cluster, IPveApi api, StorageCatalog catalog, PbsHosts pbsServersReadDirectly, SourceId source)
{
    /// <summary>
    /// vzdump files on file storages (and PBS storages whose server is not read directly). What PVE may hide is a
    /// partial gap scoped to the storage (and node, and guests) concerned, never "none": a storage no online node can
    /// list, a non-shared storage of an offline node, a listing that failed, and the backups PVE silently filters
    /// (<c>check_volume_access</c>: Datastore.Allocate on the storage, or Datastore.AllocateSpace there plus VM.Backup on
    /// the guest).
    /// </summary>
    public async Task<IReadOnlyList<BackupCopy>> ReadAsync(
        IReadOnlyList<NodeDto> nodes,
        IReadOnlyList<Guest> guests,
        TokenPermissions? permissions,
        ConcurrentBag<EvidenceGap> gaps,
        CancellationToken cancellationToken
    )
    {
        var storages = (await catalog.GetAsync(cluster.Name, cancellationToken))
            .Where(s => s.Storage is not null && !Wire.Bool(s.Disable) && HoldsBackups(s))
            .ToList();
        if (
            permissions is not null
            && !permissions.Propagates("Datastore.Audit", "/storage")
            && !permissions.Propagates("Datastore.AllocateSpace", "/storage")
        )
        {
            Partial(
                gaps,
                "storage list",
                null,
                "PVE lists only the storages a token has Datastore.Audit on: without it on /storage, backup storages may be missing"
            );
        }

        if (storages.Count == 0)
        {
            return [];
        }

        var copies = new List<BackupCopy>();
        foreach (var storage in storages)
        {
            var on = (storage.Nodes ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var candidates = nodes.Where(n => on.Length == 0 || on.Contains(n.Node, StringComparer.Ordinal)).ToList();
            var online = candidates.Where(n => !PveClusterGateway.IsOffline(n)).Select(n => n.Node).ToList();
            var shared = Wire.Bool(storage.Shared) || storage.Type is "nfs" or "cifs" or "pbs" or "cephfs" or "glusterfs";
            List<string> listings;
            if (shared)
            {
                listings = online.Take(1).ToList();
                if (listings.Count == 0)
                {
                    Partial(gaps, $"storage {storage.Storage}", null, $"no online node can list storage '{storage.Storage}'");
                    continue;
                }
            }
            else
            {
                listings = online;
                foreach (var node in candidates.Where(PveClusterGateway.IsOffline))
                {
                    Partial(
                        gaps,
                        $"storage {storage.Storage} on {node.Node}",
                        null,
                        $"node '{node.Node}' is offline: the backups on its storage '{storage.Storage}' are unknown"
                    );
                }
            }

            CheckVisibility(storage.Storage!, permissions, guests, gaps);
            foreach (var node in listings)
            {
                var what = $"GET /nodes/{node}/storage/{storage.Storage}/content";
                try
                {
                    var items = await ProxmoxClients.Call(cluster.Endpoint, what, async () =>
                        ProxmoxClients.Require(
                            cluster.Endpoint,
                            what,
                            (await api.GetStorageContentAsync(node, storage.Storage!, "backup", cancellationToken)).Data
                        )
                    );
                    copies.AddRange(items.Select(i => CopyOf(storage, i)).OfType<BackupCopy>());
                }
                catch (ProxmoxApiException ex)
                {
                    var part = shared ? $"storage {storage.Storage}" : $"storage {storage.Storage} on {node}";
                    Partial(gaps, part, null, $"storage '{storage.Storage}'{(shared ? string.Empty : $" on {node}")}: {ex.Message}");
                }
            }
        }

        return copies;
    }

    /// <summary>The backups PVE's content listing drops without a word for this token (<c>check_volume_access</c>).</summary>
    private void CheckVisibility(string storage, TokenPermissions? permissions, IReadOnlyList<Guest> guests, ConcurrentBag<EvidenceGap> gaps)
    {
        var path = $"/storage/{storage}";
        if (permissions is null || permissions.Has("Datastore.Allocate", path))
        {
            return;
        }

        if (!permissions.Has("Datastore.AllocateSpace", path))
        {
            Partial(
                gaps,
                $"storage {storage}",
                null,
                $"PVE shows the backups on storage '{storage}' only to a token with Datastore.AllocateSpace on {path} and VM.Backup on the guest (or Datastore.Allocate on {path}); this token has neither, so they are unknown"
            );
            return;
        }

        var hidden = guests.Where(g => !g.Template && !permissions.Has("VM.Backup", $"/vms/{g.Key.Vmid}")).Select(g => g.Key.Vmid).Order().ToList();
        if (hidden.Count > 0)
        {
            Partial(
                gaps,
                $"storage {storage}",
                hidden.ToHashSet(),
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"PVE hides the backups on storage '{storage}' of {hidden.Count} guest(s) without VM.Backup (e.g. /vms/{hidden[0]}): grant VM.Backup on /vms, or Datastore.Allocate on {path}"
                )
            );
        }
    }

    private void Partial(ConcurrentBag<EvidenceGap> gaps, string part, IReadOnlySet<int>? vmids, string reason) =>
        gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.BackupCopies, cluster.Name, part, vmids), source.ToString(), reason));

    private bool HoldsBackups(StorageDto storage) => BackupStorages.ListedThroughPve(storage, pbsServersReadDirectly);

    private BackupCopy? CopyOf(StorageDto storage, ContentDto item)
    {
        var vmid = Wire.Int(item.Vmid);
        if (item.Volid is null || vmid is null or <= 0 || item.Ctime is null || BackupStorages.Unfinished(item))
        {
            return null;
        }

        var pbs = storage.Type == "pbs";
        var verification = item.Verification?.State switch
        {
            "ok" => VerificationState.Ok,
            "failed" => VerificationState.Failed,
            _ => VerificationState.None,
        };
        return new BackupCopy(
            new GuestKey(cluster.Name, vmid.Value),
            pbs ? BackupCopyKind.PbsSnapshot : BackupCopyKind.VzdumpFile,
            storage.Storage!,
            storage.Storage,
            Wire.Epoch(item.Ctime.Value),
            verification,
            Wire.Bool(item.Protected),
            Wire.String(item.Encrypted) is { Length: > 0 } e && e != "0",
            Offsite: false
        );
    }
}
