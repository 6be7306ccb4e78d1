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
internal sealed partial class SynologyGateway(SynologyEndpoint endpoint, DsmSession session, IStorageDirectory storages, TimeProvider time)
    : IEvidenceSource
{
    private static readonly Dictionary<string, string> NoParameters = new(StringComparer.Ordinal);
    private readonly HyperBackupReader _hyperBackup = new(endpoint, session, time);

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
                gaps.Add(
                    new EvidenceGap(
                        new EvidenceScope(EvidenceKind.Replicas, cluster),
                        Id.ToString(),
                        $"cannot link NAS shares to cluster {cluster}: {ex.Message}"
                    )
                );
                gaps.Add(
                    new EvidenceGap(
                        new EvidenceScope(EvidenceKind.StorageHealth, cluster),
                        Id.ToString(),
                        $"cannot link NAS shares to cluster {cluster}: {ex.Message}"
                    )
                );
            }
        }

        var health = links
            .Select(l =>
                NasLinker.VolumeOf(l.Path, nas) is { } v
                    ? new StorageHealth(l.Storage.Cluster, l.Storage.StorageId, v.Healthy, $"{endpoint.Name} {v.Detail}")
                    : new StorageHealth(l.Storage.Cluster, l.Storage.StorageId, false, $"{endpoint.Name}: no volume holds {l.Path}")
            )
            .ToList();

        var findings = new List<string>();
        var replicas = new List<StorageReplica>();
        try
        {
            var tasks = await _hyperBackup.TasksAsync(nas, findings, cancellationToken);
            foreach (var (storage, path) in links)
            {
                var dump = path + "/dump";
                foreach (
                    var task in tasks.Where(t => t.Offsite && t.Usable && t.LastSuccess is not null && t.Sources.Any(s => NasLinker.Covers(s, dump)))
                )
                {
                    replicas.Add(
                        new StorageReplica(
                            storage.Cluster,
                            storage.StorageId,
                            task.LastSuccess!.Value,
                            $"Hyper Backup '{task.Name}' → {task.Destination}"
                        )
                    );
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
            findings.Add(
                $"no PVE NFS/CIFS storage points at {endpoint.Name} ({nas.Hostname}, {string.Join(", ", nas.Addresses.Order(StringComparer.Ordinal))})"
            );
        }

        return new EvidenceBatch
        {
            Replicas = replicas,
            StorageHealth = health,
            Findings = findings,
            Gaps = gaps,
        };
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
        var network = await session.CallAsync(
            "SYNO.DSM.Network",
            "list",
            2,
            NoParameters,
            (a, p, f, ct) => a.NetworkAsync(p, f, ct),
            cancellationToken
        );
        var shares = await session.CallAsync(
            "SYNO.Core.Share",
            "list",
            1,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["shareType"] = "all" },
            (a, p, f, ct) => a.SharesAsync(p, f, ct),
            cancellationToken
        );
        var storage = await session.CallAsync(
            "SYNO.Storage.CGI.Storage",
            "load_info",
            1,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["action"] = "load_info" },
            (a, p, f, ct) => a.StorageAsync(p, f, ct),
            cancellationToken
        );
        var pools = (storage.StoragePools ?? []).Where(p => p.Id is not null).ToDictionary(p => p.Id!, StringComparer.Ordinal);
        var troubles = (storage.Disks ?? [])
            .Where(d => d.UsedBy is not null && d.Trouble is not null)
            .GroupBy(d => d.UsedBy!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(d => $"{d.Name ?? d.Id}: {d.Trouble}")], StringComparer.Ordinal);
        var volumes = (storage.Volumes ?? [])
            .Where(v => v.VolPath is { Length: > 0 } && v.Id is not null)
            .Select(v =>
            {
                var pool = v.PoolPath is null ? null : pools.GetValueOrDefault(v.PoolPath);
                return new NasVolume(
                    v.Id!,
                    v.VolPath!,
                    v.Status ?? "unknown",
                    pool?.Id,
                    pool?.Status,
                    pool?.DiskFailureNumber ?? 0,
                    pool?.Id is { } id ? troubles.GetValueOrDefault(id) : null
                );
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
            (shares.Shares ?? [])
                .Where(s => s.Name is not null && s.VolPath is not null)
                .ToDictionary(s => s.Name!, s => s.VolPath!, StringComparer.OrdinalIgnoreCase),
            volumes
        );
    }
}
