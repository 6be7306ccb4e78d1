using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

internal sealed partial class PveClusterGateway
{
    /// <summary>
    /// vzdump files on file storages (and PBS storages whose server is not read directly). What PVE may hide is a
    /// partial gap scoped to the storage (and node, and guests) concerned, never "none": a storage no online node can
    /// list, a non-shared storage of an offline node, a listing that failed, and the backups PVE silently filters
    /// (<c>check_volume_access</c>: Datastore.Allocate on the storage, or Datastore.AllocateSpace there plus VM.Backup on
    /// the guest).
    /// </summary>
    private async Task<IReadOnlyList<BackupCopy>> ReadDumpsAsync(IReadOnlyList<NodeDto> nodes, IReadOnlyList<Guest> guests, TokenPermissions? permissions, ConcurrentBag<EvidenceGap> gaps, CancellationToken cancellationToken)
    {
        var storages = (await _storages.GetAsync(_cluster.Name, cancellationToken))
            .Where(s => s.Storage is not null && !Wire.Bool(s.Disable) && HoldsBackups(s))
            .ToList();
        if (permissions is not null && !permissions.Propagates("Datastore.Audit", "/storage") && !permissions.Propagates("Datastore.AllocateSpace", "/storage"))
        {
            Partial(gaps, "storage list", null, "PVE lists only the storages a token has Datastore.Audit on: without it on /storage, backup storages may be missing");
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
            var online = candidates.Where(n => !IsOffline(n)).Select(n => n.Node).ToList();
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
                foreach (var node in candidates.Where(IsOffline))
                {
                    Partial(gaps, $"storage {storage.Storage} on {node.Node}", null, $"node '{node.Node}' is offline: the backups on its storage '{storage.Storage}' are unknown");
                }
            }

            CheckVisibility(storage.Storage!, permissions, guests, gaps);
            foreach (var node in listings)
            {
                var what = $"GET /nodes/{node}/storage/{storage.Storage}/content";
                try
                {
                    var items = await ProxmoxClients.Call(Endpoint, what, async () =>
                        ProxmoxClients.Require(Endpoint, what, (await _api.GetStorageContentAsync(node, storage.Storage!, "backup", cancellationToken)).Data));
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

    /// <summary>
    /// The token's privileges, read every pass: they decide what PVE hides without a word, so a kept copy could turn
    /// "hidden" into "none". When they changed since the configuration reads kept, those are read again too (what the
    /// token may see of jobs, storages and configs changed with them).
    /// </summary>
    private async Task<TokenPermissions?> ReadPermissionsAsync(ConcurrentBag<EvidenceGap> gaps, CancellationToken cancellationToken)
    {
        try
        {
            var permissions = new TokenPermissions(await ProxmoxClients.Call(Endpoint, "GET /access/permissions", async () =>
                ProxmoxClients.Require(Endpoint, "GET /access/permissions", (await _api.GetPermissionsAsync(cancellationToken)).Data)));
            BaseKeptReadsOn(permissions);
            return permissions;
        }
        catch (ProxmoxApiException ex)
        {
            Partial(gaps, "token privileges", null, $"the token's privileges could not be read, so what PVE hides from it is unknown: {ex.Message}");
            return null;
        }
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
            Partial(gaps, $"storage {storage}", null,
                $"PVE shows the backups on storage '{storage}' only to a token with Datastore.AllocateSpace on {path} and VM.Backup on the guest (or Datastore.Allocate on {path}); this token has neither, so they are unknown");
            return;
        }

        var hidden = guests.Where(g => !g.Template && !permissions.Has("VM.Backup", $"/vms/{g.Key.Vmid}")).Select(g => g.Key.Vmid).Order().ToList();
        if (hidden.Count > 0)
        {
            Partial(gaps, $"storage {storage}", hidden.ToHashSet(),
                string.Create(CultureInfo.InvariantCulture, $"PVE hides the backups on storage '{storage}' of {hidden.Count} guest(s) without VM.Backup (e.g. /vms/{hidden[0]}): grant VM.Backup on /vms, or Datastore.Allocate on {path}"));
        }
    }

    private void Partial(ConcurrentBag<EvidenceGap> gaps, string part, IReadOnlySet<int>? vmids, string reason) =>
        gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.BackupCopies, _cluster.Name, part, vmids), Id.ToString(), reason));

    private bool HoldsBackups(StorageDto storage) => BackupStorages.ListedThroughPve(storage, _pbsServersReadDirectly);

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
            new GuestKey(_cluster.Name, vmid.Value),
            pbs ? BackupCopyKind.PbsSnapshot : BackupCopyKind.VzdumpFile,
            storage.Storage!,
            storage.Storage,
            Wire.Epoch(item.Ctime.Value),
            verification,
            Wire.Bool(item.Protected),
            Wire.String(item.Encrypted) is { Length: > 0 } e && e != "0",
            Offsite: false);
    }
}
