using System.Globalization;
using System.Text.Json;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pbs;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// Reads snapshots from one PBS directly, one listing per datastore and namespace that a PVE storage of type
/// <c>pbs</c> links to this server (server + datastore + namespace), and attributes them to that storage's cluster.
/// </summary>
internal sealed partial class PbsServerGateway(PbsServer server, IPbsApi api, StorageCatalog storages, TimeProvider time) : IEvidenceSource
{
    // Datastores and job definitions are configuration; their last-run states are refreshed at the same pace.
    private static readonly TimeSpan ConfigLifetime = TimeSpan.FromMinutes(15);
    private int _copiesLastPass;

    /// <summary>A streamed listing that sends nothing for this long has stalled (the per-attempt timeout).</summary>
    private TimeSpan StallTimeout => Endpoint.Timeout ?? new ResilienceSettings().AttemptTimeout;

    private readonly Refreshing<List<DatastoreDto>> _datastores = new(ConfigLifetime, time);
    private readonly Refreshing<List<VerifyJobDto>> _verify = new(ConfigLifetime, time);
    private readonly Refreshing<List<SyncJobDto>> _sync = new(ConfigLifetime, time);

    public SourceId Id { get; } = new("pbs", server.Name);

    public IReadOnlyList<EvidenceScope> Scope { get; } = server.OffsiteRemoteNames.Count == 0
        ? [new EvidenceScope(EvidenceKind.BackupCopies, null)]
        : [new EvidenceScope(EvidenceKind.BackupCopies, null), new EvidenceScope(EvidenceKind.Replicas, null)];

    private ProxmoxEndpoint Endpoint => server.Endpoint;

    public async Task<EvidenceBatch> CollectAsync(CancellationToken cancellationToken)
    {
        var datastores = await _datastores.GetAsync(() => ProxmoxClients.Call(Endpoint, "GET /admin/datastore", async () =>
            ProxmoxClients.Require(Endpoint, "GET /admin/datastore", (await api.GetDatastoresAsync(cancellationToken)).Data)), cancellationToken);
        var known = datastores.Select(d => d.Store).ToHashSet(StringComparer.Ordinal);

        var gaps = new List<EvidenceGap>();
        var links = new List<Link>();
        foreach (var cluster in storages.Clusters)
        {
            try
            {
                foreach (var s in await storages.GetAsync(cluster, cancellationToken))
                {
                    if (s.Type == "pbs" && s.Storage is not null && s.Datastore is not null && IsThisServer(s.Server, Wire.Int(s.Port)) && !Wire.Bool(s.Disable))
                    {
                        links.Add(new Link(cluster, s.Storage, s.Datastore, s.Namespace ?? string.Empty));
                    }
                }
            }
            catch (ProxmoxApiException ex)
            {
                gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.BackupCopies, cluster), Id.ToString(), $"cannot link datastores to cluster {cluster}: {ex.Message}"));
            }
        }

        var copies = new List<BackupCopy>(_copiesLastPass);
        foreach (var group in links.GroupBy(l => (l.Datastore, l.Namespace)))
        {
            var (store, ns) = group.Key;
            if (!known.Contains(store))
            {
                gaps.AddRange(group.Select(l => new EvidenceGap(new EvidenceScope(EvidenceKind.BackupCopies, l.Cluster), Id.ToString(), $"datastore '{store}' (PVE storage {l.StorageId}) is not visible on {server.Name}")));
                continue;
            }

            var what = $"GET /admin/datastore/{store}/snapshots";
            var groupLinks = group.ToList();
            var found = await ProxmoxClients.Call(Endpoint, what, async () =>
            {
                await using var answer = await api.GetSnapshotsAsync(store, ns.Length == 0 ? null : ns, cancellationToken);
                return await DataArrayReader.ReadAsync<SnapshotDto>(answer, ProxmoxClients.Json, StallTimeout, snapshot =>
                {
                    foreach (var link in groupLinks)
                    {
                        if (CopyOf(link, snapshot) is { } copy)
                        {
                            copies.Add(copy);
                        }
                    }
                }, cancellationToken);
            });
            if (!found)
            {
                throw ProxmoxClients.NoData(Endpoint, what);
            }
        }

        // Kept for the next pass: sized once, a list of 100,000s does not leave its doubling arrays behind.
        _copiesLastPass = copies.Count;

        var jobs = await ReadJobsAsync(links, gaps, cancellationToken);
        return new EvidenceBatch { Copies = copies, Replicas = jobs.Replicas, Findings = jobs.Findings, Gaps = gaps };
    }

    /// <summary>A PVE storage points here when server and port (default 8007) match this endpoint.</summary>
    private bool IsThisServer(string? host, int? port) =>
        host is not null
        && string.Equals(host.Trim('[', ']'), Endpoint.BaseUrl.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
        && (port ?? 8007) == Endpoint.BaseUrl.Port;

    private BackupCopy? CopyOf(Link link, SnapshotDto snapshot)
    {
        if (snapshot.BackupType is not ("vm" or "ct") || snapshot.BackupTime is null
            || !int.TryParse(snapshot.BackupId, NumberStyles.None, CultureInfo.InvariantCulture, out var vmid) || vmid <= 0)
        {
            return null;
        }

        var time = Wire.Epoch(snapshot.BackupTime.Value);
        var location = link.Location(server.Name);
        return new BackupCopy(
            new GuestKey(link.Cluster, vmid),
            BackupCopyKind.PbsSnapshot,
            location,
            link.StorageId,
            time,
            snapshot.VerificationState switch
            {
                "ok" => VerificationState.Ok,
                "failed" => VerificationState.Failed,
                _ => VerificationState.None,
            },
            snapshot.Protected,
            snapshot.Encrypted,
            server.Offsite);
    }

    private sealed record Link(string Cluster, string StorageId, string Datastore, string Namespace)
    {
        private string? _location;

        /// <summary>Shared by every copy of this link (hundreds of thousands on a large estate).</summary>
        public string Location(string server) =>
            _location ??= Namespace.Length == 0 ? $"{server}/{Datastore}" : $"{server}/{Datastore} (ns {Namespace})";
    }
}
