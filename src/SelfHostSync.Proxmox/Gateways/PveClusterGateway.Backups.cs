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
    private const int TaskListLimit = 1000;

    /// <summary>
    /// vzdump files on file storages (and PBS storages whose server is not read directly). What PVE may hide is a
    /// partial gap scoped to the storage (and node, and guests) concerned, never "none": a storage no online node can
    /// list, a non-shared storage of an offline node, a listing that failed, and the backups PVE silently filters
    /// (<c>check_volume_access</c>: Datastore.Allocate on the storage, or Datastore.AllocateSpace there plus VM.Backup on
    /// the guest).
    /// </summary>
    private async Task<IReadOnlyList<BackupCopy>> ReadDumpsAsync(IReadOnlyList<NodeDto>? nodes, IReadOnlyList<Guest> guests, TokenPermissions? permissions, ConcurrentBag<EvidenceGap> gaps, CancellationToken cancellationToken)
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

        if (nodes is null)
        {
            Partial(gaps, "node list", null, $"the node list could not be read, so the backups on {string.Join(", ", storages.Select(s => s.Storage))} are unknown");
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

    /// <summary>
    /// Finished qmrestore/vzrestore tasks of every node, each log read once per daemon lifetime. Read by exact type:
    /// PVE's task archive keeps only about the newest 1,000–2,000 tasks of all kinds (console opens, starts, backups),
    /// and filters before its limit. Later passes ask only for tasks started since the newest seen, less a day for
    /// restores still running then; every restore test found is kept in the state store, so a restart reads the
    /// archive once again and adds nothing twice (tests are keyed by UPID).
    /// </summary>
    private async Task<IReadOnlyList<RestoreTest>> ReadRestoreTestsAsync(IReadOnlyList<string> nodes, TokenPermissions? permissions, ConcurrentBag<EvidenceGap> gaps, CancellationToken cancellationToken)
    {
        var tests = new List<RestoreTest>();
        foreach (var node in nodes)
        {
            // Tasks.pm: without Sys.Audit on the node the list holds only the token's own tasks, without an error.
            if (permissions?.Has("Sys.Audit", $"/nodes/{node}") == false)
            {
                gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.RestoreTests, _cluster.Name, $"tasks of node {node}"), Id.ToString(),
                    $"PVE lists only the token's own tasks on {node} without Sys.Audit on /nodes/{node}: restores by others are hidden"));
            }

            foreach (var type in (string[])["qmrestore", "vzrestore"])
            {
                var since = _restoreSince.TryGetValue((node, type), out var newest) ? newest - (long)TimeSpan.FromDays(1).TotalSeconds : (long?)null;
                var what = $"GET /nodes/{node}/tasks?typefilter={type}";
                var tasks = await ProxmoxClients.Call(Endpoint, what, async () =>
                    ProxmoxClients.Require(Endpoint, what, (await _api.GetTasksAsync(node, TaskListLimit, since, type, cancellationToken)).Data));
                await AddRestoreTestsAsync(node, tasks, tests, cancellationToken);
                if (tasks.Select(t => t.StartTime ?? 0).DefaultIfEmpty(0).Max() is var seen && seen > newest)
                {
                    _restoreSince[(node, type)] = seen;
                }
            }
        }

        return tests;
    }

    private async Task AddRestoreTestsAsync(string node, List<TaskDto> tasks, List<RestoreTest> tests, CancellationToken cancellationToken)
    {
        foreach (var task in tasks)
        {
            if (task.Upid is null || task.Type is not ("qmrestore" or "vzrestore") || task.EndTime is null || task.Status is null)
            {
                continue;
            }

            if (int.TryParse(task.Id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var target) && _cluster.ScratchRange?.Contains(target) == true)
            {
                // A drill's own restore: the drill record (restore, boot, probe) is the stronger evidence.
                continue;
            }

            if (!_restoreTasks.TryGetValue(task.Upid, out var test))
            {
                test = await RestoreTestOf(node, task, cancellationToken);
                _restoreTasks[task.Upid] = test;
            }

            if (test is not null)
            {
                tests.Add(test);
            }
        }
    }

    private async Task<RestoreTest?> RestoreTestOf(string node, TaskDto task, CancellationToken cancellationToken)
    {
        var what = $"GET /nodes/{node}/tasks/{{upid}}/log";
        var log = await ProxmoxClients.Call(Endpoint, what, async () =>
            ProxmoxClients.Require(Endpoint, what, (await _api.GetTaskLogAsync(node, task.Upid!, 0, cancellationToken)).Data));
        var source = RestoreLogParser.Parse(log.Select(l => l.T ?? string.Empty));
        if (source is null)
        {
            return null;
        }

        var passed = task.Status == "OK" || task.Status!.StartsWith("WARNINGS", StringComparison.Ordinal);
        return new RestoreTest(
            task.Upid!,
            new GuestKey(_cluster.Name, source.Vmid),
            Core.Evidence.RestoreTestKind.Task,
            Wire.Epoch(task.EndTime!.Value),
            passed,
            source.Archive,
            string.Create(CultureInfo.InvariantCulture, $"{node}/{task.Id}"),
            passed ? null : task.Status);
    }
}
