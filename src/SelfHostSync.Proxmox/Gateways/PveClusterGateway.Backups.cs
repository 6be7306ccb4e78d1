using System.Globalization;
using System.Text.RegularExpressions;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

internal sealed partial class PveClusterGateway
{
    private const int TaskListLimit = 1000;

    /// <summary>vzdump files on file storages (and PBS storages whose server is not read directly).</summary>
    private async Task<IReadOnlyList<BackupCopy>> ReadDumpsAsync(IReadOnlyList<string> nodes, CancellationToken cancellationToken)
    {
        var storages = await _storages.GetAsync(_cluster.Name, cancellationToken);
        var listings = new List<(StorageDto Storage, string Node)>();
        foreach (var storage in storages)
        {
            if (storage.Storage is null || Wire.Bool(storage.Disable) || !HoldsBackups(storage))
            {
                continue;
            }

            var on = (storage.Nodes ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var candidates = nodes.Where(n => on.Length == 0 || on.Contains(n, StringComparer.Ordinal)).ToList();
            var shared = Wire.Bool(storage.Shared) || storage.Type is "nfs" or "cifs" or "pbs" or "cephfs" or "glusterfs";
            listings.AddRange((shared ? candidates.Take(1) : candidates).Select(n => (storage, n)));
        }

        var copies = new List<BackupCopy>();
        foreach (var (storage, node) in listings)
        {
            var what = $"GET /nodes/{node}/storage/{storage.Storage}/content";
            var items = await ProxmoxClients.Call(Endpoint, what, async () =>
                ProxmoxClients.Require(Endpoint, what, (await _api.GetStorageContentAsync(node, storage.Storage!, "backup", cancellationToken)).Data));
            copies.AddRange(items.Select(i => CopyOf(storage, i)).OfType<BackupCopy>());
        }

        return copies;
    }

    private bool HoldsBackups(StorageDto storage)
    {
        var content = (storage.Content ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
        if (storage.Type == "pbs")
        {
            return storage.Server is null || !_pbsServersReadDirectly.Contains(storage.Server);
        }

        return FileStorageTypes.Contains(storage.Type) && content.Contains("backup", StringComparer.Ordinal);
    }

    private BackupCopy? CopyOf(StorageDto storage, ContentDto item)
    {
        var vmid = Wire.Int(item.Vmid);
        if (item.Volid is null || vmid is null or <= 0 || item.Ctime is null)
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

    /// <summary>Finished qmrestore/vzrestore tasks of every node, each log read once per daemon lifetime.</summary>
    private async Task<IReadOnlyList<RestoreTest>> ReadRestoreTestsAsync(IReadOnlyList<string> nodes, CancellationToken cancellationToken)
    {
        var tests = new List<RestoreTest>();
        foreach (var node in nodes)
        {
            var what = $"GET /nodes/{node}/tasks";
            var tasks = await ProxmoxClients.Call(Endpoint, what, async () =>
                ProxmoxClients.Require(Endpoint, what, (await _api.GetTasksAsync(node, TaskListLimit, null, cancellationToken)).Data));
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

        return tests;
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
