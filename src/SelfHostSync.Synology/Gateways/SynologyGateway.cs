using System.Globalization;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Sync;
using SelfHostSync.Synology.Api;
using SelfHostSync.Synology.Http;

namespace SelfHostSync.Synology.Gateways;

/// <summary>
/// Reads one Synology NAS: host name and addresses, shares, volumes and pools (<c>load_info</c>), Hyper Backup tasks
/// with their status, and integrity-check results from the Hyper Backup log. Links PVE NFS/CIFS storages to its
/// shares: the volume's health becomes <see cref="StorageHealth"/>, a successful Hyper Backup task off site that
/// covers a storage's <c>dump</c> folder becomes a <see cref="StorageReplica"/> of it.
/// </summary>
internal sealed partial class SynologyGateway(SynologyEndpoint endpoint, DsmSession session, IStorageDirectory storages, TimeProvider time) : IEvidenceSource
{
    private static readonly Dictionary<string, string> NoParameters = new(StringComparer.Ordinal);

    public SourceId Id { get; } = new("dsm", endpoint.Name);

    public IReadOnlyList<EvidenceScope> Scope { get; } =
        [new EvidenceScope(EvidenceKind.Replicas, null), new EvidenceScope(EvidenceKind.StorageHealth, null)];

    public async Task<EvidenceBatch> CollectAsync(CancellationToken cancellationToken)
    {
        var links = new List<(StorageRef Storage, string Path)>();
        NasFacts nas;
        try
        {
            nas = await FactsAsync(cancellationToken);
        }
        catch (DsmApiException ex)
        {
            return await UnreadableAsync(ex, cancellationToken);
        }

        var gaps = new List<EvidenceGap>();
        foreach (var cluster in storages.Clusters)
        {
            try
            {
                foreach (var storage in await storages.StoragesAsync(cluster, cancellationToken))
                {
                    if (NasLinker.PathOf(storage, nas, endpoint.BaseUrl.Host) is { } path)
                    {
                        links.Add((storage, path));
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.Replicas, cluster), Id.ToString(), $"cannot link NAS shares to cluster {cluster}: {ex.Message}"));
                gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.StorageHealth, cluster), Id.ToString(), $"cannot link NAS shares to cluster {cluster}: {ex.Message}"));
            }
        }

        var health = links.Select(l => NasLinker.VolumeOf(l.Path, nas) is { } v
                ? new StorageHealth(l.Storage.Cluster, l.Storage.StorageId, v.Healthy, $"{endpoint.Name} {v.Detail}")
                : new StorageHealth(l.Storage.Cluster, l.Storage.StorageId, false, $"{endpoint.Name}: no volume holds {l.Path}"))
            .ToList();

        var findings = new List<string>();
        var replicas = new List<StorageReplica>();
        try
        {
            var tasks = await HyperBackupAsync(nas, findings, cancellationToken);
            foreach (var (storage, path) in links)
            {
                var dump = path + "/dump";
                foreach (var task in tasks.Where(t => t.Offsite && t.Usable && t.LastSuccess is not null && t.Sources.Any(s => NasLinker.Covers(s, dump))))
                {
                    replicas.Add(new StorageReplica(storage.Cluster, storage.StorageId, task.LastSuccess!.Value, $"Hyper Backup '{task.Name}' → {task.Destination}"));
                }
            }
        }
        catch (DsmApiException ex) when (ex.Kind == DsmErrorKind.NotInstalled)
        {
            findings.Add($"Hyper Backup is not installed on {endpoint.Name}: no offsite evidence from this NAS");
        }
        catch (DsmApiException ex)
        {
            foreach (var cluster in links.Select(l => l.Storage.Cluster).Distinct(StringComparer.Ordinal))
            {
                gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.Replicas, cluster), Id.ToString(), ex.Message));
            }
        }

        await PackagesAsync(findings, cancellationToken);
        if (links.Count == 0)
        {
            findings.Add($"no PVE NFS/CIFS storage points at {endpoint.Name} ({nas.Hostname}, {string.Join(", ", nas.Addresses.Order(StringComparer.Ordinal))})");
        }

        return new EvidenceBatch { Replicas = replicas, StorageHealth = health, Findings = findings, Gaps = gaps };
    }

    public Task LogoutAsync(CancellationToken cancellationToken) => session.LogoutAsync(cancellationToken);

    /// <summary>The NAS cannot be read: everything it speaks for is unknown — but only for clusters that use a NAS at all.</summary>
    private async Task<EvidenceBatch> UnreadableAsync(DsmApiException ex, CancellationToken cancellationToken)
    {
        var gaps = new List<EvidenceGap>();
        foreach (var cluster in storages.Clusters)
        {
            IReadOnlyList<StorageRef> list;
            try
            {
                list = await storages.StoragesAsync(cluster, cancellationToken);
            }
            catch (Exception inner) when (inner is not OperationCanceledException)
            {
                list = [new StorageRef(cluster, "?", "nfs", null, null, null, null)];
            }

            if (list.Any(s => s.Type is "nfs" or "cifs"))
            {
                gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.Replicas, cluster), Id.ToString(), ex.Message));
                gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.StorageHealth, cluster), Id.ToString(), ex.Message));
            }
        }

        if (gaps.Count == 0)
        {
            gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.StorageHealth, "(none)"), Id.ToString(), ex.Message));
        }

        return new EvidenceBatch { Gaps = gaps };
    }

    private async Task<NasFacts> FactsAsync(CancellationToken cancellationToken)
    {
        var network = await session.CallAsync("SYNO.DSM.Network", "list", 2, NoParameters, (a, p, f, ct) => a.NetworkAsync(p, f, ct), cancellationToken);
        var shares = await session.CallAsync("SYNO.Core.Share", "list", 1, new Dictionary<string, string>(StringComparer.Ordinal) { ["shareType"] = "all" }, (a, p, f, ct) => a.SharesAsync(p, f, ct), cancellationToken);
        var storage = await session.CallAsync("SYNO.Storage.CGI.Storage", "load_info", 1, new Dictionary<string, string>(StringComparer.Ordinal) { ["action"] = "load_info" }, (a, p, f, ct) => a.StorageAsync(p, f, ct), cancellationToken);
        var pools = (storage.StoragePools ?? []).Where(p => p.Id is not null).ToDictionary(p => p.Id!, StringComparer.Ordinal);
        var troubles = (storage.Disks ?? []).Where(d => d.UsedBy is not null && d.Trouble is not null)
            .GroupBy(d => d.UsedBy!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(d => $"{d.Name ?? d.Id}: {d.Trouble}")], StringComparer.Ordinal);
        var volumes = (storage.Volumes ?? [])
            .Where(v => v.VolPath is { Length: > 0 } && v.Id is not null)
            .Select(v =>
            {
                var pool = v.PoolPath is null ? null : pools.GetValueOrDefault(v.PoolPath);
                return new NasVolume(v.Id!, v.VolPath!, v.Status ?? "unknown", pool?.Id, pool?.Status, pool?.DiskFailureNumber ?? 0, pool?.Id is { } id ? troubles.GetValueOrDefault(id) : null);
            })
            .ToList();
        var addresses = (network.Interfaces ?? [])
            .SelectMany(i => (i.Ip ?? []).Concat(i.Ipv6 ?? []))
            .Select(a => a.Address)
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new NasFacts(
            network.Hostname ?? endpoint.Name,
            addresses,
            (shares.Shares ?? []).Where(s => s.Name is not null && s.VolPath is not null).ToDictionary(s => s.Name!, s => s.VolPath!, StringComparer.OrdinalIgnoreCase),
            volumes);
    }

    private async Task<IReadOnlyList<BackupTask>> HyperBackupAsync(NasFacts nas, List<string> findings, CancellationToken cancellationToken)
    {
        var system = await session.CallAsync("SYNO.Core.System", "info", 1, NoParameters, (a, p, f, ct) => a.SystemInfoAsync(p, f, ct), cancellationToken);
        var (offset, clockProblem) = NasTime.Offset(system.Time, system.TimeZoneDesc, time.GetUtcNow());
        if (clockProblem is not null)
        {
            findings.Add($"{endpoint.Name}: {clockProblem}");
        }

        var list = await session.CallAsync("SYNO.Backup.Task", "list", 1, new Dictionary<string, string>(StringComparer.Ordinal) { ["additional"] = "[\"last_bkp_time\",\"last_bkp_result\",\"get_source\"]" }, (a, p, f, ct) => a.BackupTasksAsync(p, f, ct), cancellationToken);
        var tasks = new List<BackupTask>();
        foreach (var t in list.TaskList ?? [])
        {
            if (t.TaskId is not { } id)
            {
                continue;
            }

            // The status call is authoritative (list and status disagree on state); it alone has last_bkp_success_time.
            var status = await session.CallAsync("SYNO.Backup.Task", "status", 1, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["task_id"] = id.ToString(CultureInfo.InvariantCulture),
                ["blOnline"] = "false",
                ["additional"] = "[\"last_bkp_time\",\"last_bkp_result\",\"last_bkp_success_time\",\"last_bkp_end_time\"]",
            }, (a, p, f, ct) => a.BackupTaskStatusAsync(p, f, ct), cancellationToken);
            var (destination, offsite) = Classify(t.TargetType, t.TransferType);
            if (!offsite && t.TargetType == "cloud_image")
            {
                findings.Add($"Hyper Backup '{t.Name}' on {endpoint.Name} goes to {destination}, which is not counted as off site: list '{t.TargetType}:{t.TransferType}' in OffsiteDestinations if that storage is elsewhere");
            }

            var usable = status.State is "backupable" or null;
            if (!usable)
            {
                findings.Add($"Hyper Backup '{t.Name}' on {endpoint.Name} is {status.State} (last result {status.LastResult})");
            }
            else if (status.LastResult is "failed" or "partial" or "cksum_failed" or "dest_missing" or "failed_checking")
            {
                findings.Add($"Hyper Backup '{t.Name}' on {endpoint.Name}: last run {status.LastResult}");
            }

            tasks.Add(new BackupTask(
                t.Name ?? id.ToString(CultureInfo.InvariantCulture),
                (t.Source?.FileList ?? []).Where(s => s.Missing != true).Select(s => s.FullPath).OfType<string>().ToList(),
                destination,
                offsite,
                usable,
                NasTime.Parse(status.LastSuccessTime, offset)));
        }

        try
        {
            await IntegrityAsync(findings, cancellationToken);
        }
        catch (DsmApiException ex) when (ex.Kind != DsmErrorKind.SessionLost)
        {
            findings.Add($"Hyper Backup log of {endpoint.Name} not readable (integrity checks unknown): {ex.Message}");
        }

        return tasks;
    }

    /// <summary>
    /// Only the recorded shapes are named (fixtures: <c>image_local</c>, <c>image_remote</c>, <c>google_drive</c>,
    /// <c>synocloud_swift</c>); an S3 target may be a MinIO on the LAN, so only Synology C2 is off site by default and
    /// every other destination only when configured (<see cref="SynologyEndpoint.OffsiteDestinations"/>).
    /// </summary>
    private (string Destination, bool Offsite) Classify(string? target, string? transfer)
    {
        var raw = $"{target}:{transfer}";
        var declared = endpoint.OffsiteDestinations.Contains(raw) || (transfer is not null && endpoint.OffsiteDestinations.Contains(transfer));
        return (target, transfer) switch
        {
            ("cloud_image", "synocloud_swift") => ("Synology C2", true),
            (_, "image_remote") => ("remote Synology", declared || endpoint.RemoteVaultOffsite),
            (_, "image_local") => ("local folder/USB", declared),
            _ => (raw, declared),
        };
    }

    /// <summary>Integrity checks only leave lines in the Hyper Backup log; failures become findings.</summary>
    private async Task IntegrityAsync(List<string> findings, CancellationToken cancellationToken)
    {
        if (!await session.HasAsync("SYNO.SDS.Backup.Client.Common.Log", cancellationToken))
        {
            return;
        }

        var log = await session.CallAsync("SYNO.SDS.Backup.Client.Common.Log", "list", 1, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["offset"] = "0",
            ["limit"] = "50",
            ["filter_keyword"] = "Backup integrity check",
        }, (a, p, f, ct) => a.BackupLogAsync(p, f, ct), cancellationToken);
        foreach (var line in (log.LogList ?? []).Where(l => l.Event is { } e && (e.Contains("broken", StringComparison.OrdinalIgnoreCase) || e.Contains("Failed", StringComparison.Ordinal))))
        {
            findings.Add($"{endpoint.Name} {line.Time}: {line.Event}");
        }
    }
}
