using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Sync;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pbs;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// Verify and sync jobs of one PBS: findings for the operator, and replicas: push syncs to off-site remotes, and (on an
/// off-site server) pull syncs from a PBS our clusters back up to.
/// </summary>
internal sealed class PbsJobReader(PbsServer server, IPbsApi api, StorageCatalog storages, TimeProvider time, ReadMemory? memory, SourceId source)
{
    private readonly Refreshing<List<VerifyJobDto>> _verify = new(
        PbsServerGateway.ConfigLifetime,
        time,
        KeptSlot.For(memory, server.Endpoint, "verify-jobs")
    );
    private readonly Refreshing<List<SyncJobDto>> _sync = new(
        PbsServerGateway.ConfigLifetime,
        time,
        KeptSlot.For(memory, server.Endpoint, "sync-jobs")
    );
    private readonly Refreshing<List<DatastoreConfigDto>> _datastoreConfigs = new(
        PbsServerGateway.ConfigLifetime,
        time,
        KeptSlot.For(memory, server.Endpoint, "datastore-configs")
    );
    private readonly Refreshing<List<RemoteDto>> _remotes = new(
        PbsServerGateway.ConfigLifetime,
        time,
        KeptSlot.For(memory, server.Endpoint, "remotes")
    );
    private readonly Refreshing<TokenPermissions> _permissions = new(
        PbsServerGateway.ConfigLifetime,
        time,
        KeptSlot.For(memory, server.Endpoint, "permissions")
    );

    private ProxmoxEndpoint Endpoint => server.Endpoint;

    public async Task<(IReadOnlyList<StorageReplica> Replicas, IReadOnlyList<string> Findings)> ReadAsync(
        List<DatastoreLink> links,
        List<EvidenceGap> gaps,
        CancellationToken cancellationToken
    )
    {
        var findings = new List<string>();
        var replicas = new List<StorageReplica>();
        if (links.Count > 0)
        {
            await ReadVerifyJobsAsync(links, findings, cancellationToken);
        }

        if (links.Count == 0 && !server.Offsite)
        {
            return (replicas, findings);
        }

        List<SyncJobDto> sync;
        try
        {
            sync = await _sync.GetAsync(() => ReadSyncJobsAsync(cancellationToken), cancellationToken);
        }
        catch (ProxmoxApiException ex)
        {
            ReplicasUnknown(gaps, findings, $"sync jobs not readable: {ex.Message}");
            return (replicas, findings);
        }

        findings.AddRange(
            sync.Where(j => JobState.Notable(j.LastRunState)).Select(j => $"sync job {j.Id} last run: {JobState.Describe(j.LastRunState)}")
        );
        await ReplicasHiddenAsync(gaps, findings, cancellationToken);
        foreach (var job in sync.Where(j => JobState.Completed(j.LastRunState) && j.LastRunEndtime is not null))
        {
            if (job is { SyncDirection: "push", Remote: { } remote, Store: { } store } && server.OffsiteRemoteNames.Contains(remote))
            {
                foreach (var link in links.Where(l => l.Datastore == store && Covers(job.Ns, job.MaxDepth, l.Namespace)))
                {
                    replicas.Add(
                        new StorageReplica(link.Cluster, link.StorageId, Wire.Epoch(job.LastRunEndtime!.Value), $"PBS sync job {job.Id} → {remote}")
                    );
                }
            }
            else if (server.Offsite && job is { SyncDirection: null or "pull", Remote: { } source })
            {
                replicas.AddRange(await PulledAsync(job, source, gaps, findings, cancellationToken));
            }
        }

        return (replicas, findings);
    }

    private async Task ReadVerifyJobsAsync(List<DatastoreLink> links, List<string> findings, CancellationToken cancellationToken)
    {
        try
        {
            var verify = await _verify.GetAsync(
                () =>
                    ProxmoxClients.Call(Endpoint, "GET /admin/verify", async () =>
                        ProxmoxClients.Require(Endpoint, "GET /admin/verify", (await api.GetVerifyJobsAsync(cancellationToken)).Data)
                    ),
                cancellationToken
            );
            var verifyNew = await VerifyNewAsync(cancellationToken);
            foreach (var (store, ns) in links.Select(l => (l.Datastore, l.Namespace)).Distinct())
            {
                if (!verifyNew.Contains(store) && !verify.Any(j => j.Store == store && Covers(j.Ns, j.MaxDepth, ns)))
                {
                    findings.Add(
                        $"no verify job covers datastore {store}{NsText(ns)}, and it does not verify new snapshots (verify-new): snapshots there stay unverified"
                    );
                }
            }

            findings.AddRange(
                verify.Where(j => JobState.Notable(j.LastRunState)).Select(j => $"verify job {j.Id} last run: {JobState.Describe(j.LastRunState)}")
            );
        }
        catch (ProxmoxApiException ex)
        {
            findings.Add($"verify jobs not readable: {ex.Message}");
        }
    }

    /// <summary>Datastores that verify each snapshot right after its backup; none when the configuration is not readable.</summary>
    private async Task<HashSet<string>> VerifyNewAsync(CancellationToken cancellationToken)
    {
        try
        {
            var configs = await _datastoreConfigs.GetAsync(
                () =>
                    ProxmoxClients.Call(Endpoint, "GET /config/datastore", async () =>
                        ProxmoxClients.Require(Endpoint, "GET /config/datastore", (await api.GetDatastoreConfigsAsync(cancellationToken)).Data)
                    ),
                cancellationToken
            );
            return configs.Where(c => c.Name is not null && Wire.Bool(c.VerifyNew)).Select(c => c.Name!).ToHashSet(StringComparer.Ordinal);
        }
        catch (ProxmoxApiException)
        {
            return [];
        }
    }

    /// <summary>
    /// PBS lists a sync job only with Remote.Audit on its remote, silently: without it the jobs we look for may exist
    /// unseen, so replicas are partly unknown (the ones seen still count).
    /// </summary>
    private async Task ReplicasHiddenAsync(List<EvidenceGap> gaps, List<string> findings, CancellationToken cancellationToken)
    {
        try
        {
            var permissions = await PermissionsAsync(cancellationToken);
            if (!permissions.Propagates("Remote.Audit", "/remote"))
            {
                ReplicasUnknown(gaps, findings, $"PBS lists sync jobs only to remotes {Endpoint.Identity} may audit: grant RemoteAudit on /remote");
            }
        }
        catch (ProxmoxApiException ex)
        {
            ReplicasUnknown(gaps, findings, $"privileges not readable: {ex.Message}");
        }
    }

    /// <summary>The token's own privileges on this PBS, kept like the job lists.</summary>
    internal Task<TokenPermissions> PermissionsAsync(CancellationToken cancellationToken) =>
        _permissions.GetAsync(
            async () =>
                new TokenPermissions(
                    await ProxmoxClients.Call(Endpoint, "GET /access/permissions", async () =>
                        ProxmoxClients.Require(Endpoint, "GET /access/permissions", (await api.GetPermissionsAsync(cancellationToken)).Data)
                    )
                ),
            cancellationToken
        );

    private void ReplicasUnknown(List<EvidenceGap> gaps, List<string> findings, string reason)
    {
        if (PbsServerGateway.CarriesReplicas(server))
        {
            gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.Replicas, null, $"sync jobs of {server.Name}"), source.ToString(), reason));
        }
        else
        {
            findings.Add(reason);
        }
    }

    /// <summary>
    /// A pull sync on this off-site server copies <c>remote-store</c>/<c>remote-ns</c> of the remote's PBS here: every PVE
    /// storage linked to that datastore and namespace on that PBS is carried off site when the job last completed.
    /// </summary>
    private async Task<IEnumerable<StorageReplica>> PulledAsync(
        SyncJobDto job,
        string remote,
        List<EvidenceGap> gaps,
        List<string> findings,
        CancellationToken cancellationToken
    )
    {
        List<RemoteDto> remotes;
        try
        {
            remotes = await _remotes.GetAsync(
                () =>
                    ProxmoxClients.Call(Endpoint, "GET /config/remote", async () =>
                        ProxmoxClients.Require(Endpoint, "GET /config/remote", (await api.GetRemotesAsync(cancellationToken)).Data)
                    ),
                cancellationToken
            );
        }
        catch (ProxmoxApiException ex)
        {
            ReplicasUnknown(gaps, findings, $"remotes not readable: {ex.Message}");
            return [];
        }

        if (remotes.FirstOrDefault(r => r.Name == remote) is not { Host: { } host } definition)
        {
            ReplicasUnknown(
                gaps,
                findings,
                $"sync job {job.Id} pulls from remote '{remote}', which {Endpoint.Identity} cannot read (Remote.Audit on /remote/{remote})"
            );
            return [];
        }

        var replicas = new List<StorageReplica>();
        var port = Wire.Int(definition.Port) ?? 8007;
        var source = new PbsHosts([new PbsServer(Endpoint with { BaseUrl = new UriBuilder("https", host.Trim('[', ']'), port).Uri }, false)], time);
        foreach (var cluster in storages.Clusters)
        {
            List<Pve.StorageDto> defined;
            try
            {
                defined = await storages.GetAsync(cluster, cancellationToken);
            }
            catch (ProxmoxApiException ex)
            {
                ReplicasUnknown(gaps, findings, $"cannot link sync job {job.Id} to cluster {cluster}: {ex.Message}");
                continue;
            }

            foreach (
                var s in defined.Where(s =>
                    s is { Type: "pbs", Storage: not null }
                    && !Wire.Bool(s.Disable)
                    && s.Datastore == job.RemoteStore
                    && source.Find(s.Server, Wire.Int(s.Port)) is not null
                    && Covers(job.RemoteNs, job.MaxDepth, s.Namespace ?? string.Empty)
                )
            )
            {
                replicas.Add(
                    new StorageReplica(
                        cluster,
                        s.Storage!,
                        Wire.Epoch(job.LastRunEndtime!.Value),
                        $"PBS sync job {job.Id} on {server.Name} ← {remote}"
                    )
                );
            }
        }

        return replicas;
    }

    /// <summary>
    /// <c>sync-direction=all</c> lists push jobs (PBS 3.3+). Older servers refuse the parameter with a schema error, and
    /// only know pull; any other error is an error (a fallback would hide the push jobs).
    /// </summary>
    private async Task<List<SyncJobDto>> ReadSyncJobsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ProxmoxClients.Call(Endpoint, "GET /admin/sync", async () =>
                ProxmoxClients.Require(Endpoint, "GET /admin/sync", (await api.GetSyncJobsAsync("all", cancellationToken)).Data)
            );
        }
        catch (ProxmoxApiException ex)
            when (ex.Status == System.Net.HttpStatusCode.BadRequest
                && ex.Message.Contains("'sync-direction'", StringComparison.Ordinal)
                && ex.Message.Contains("additional properties", StringComparison.Ordinal)
            )
        {
            return await ProxmoxClients.Call(Endpoint, "GET /admin/sync", async () =>
                ProxmoxClients.Require(Endpoint, "GET /admin/sync", (await api.GetSyncJobsAsync(null, cancellationToken)).Data)
            );
        }
    }

    /// <summary>Does a job on namespace <paramref name="jobNs"/> with <paramref name="maxDepth"/> (default: all levels) reach <paramref name="ns"/>?</summary>
    internal static bool Covers(string? jobNs, int? maxDepth, string ns)
    {
        var root = jobNs ?? string.Empty;
        if (root.Length > 0 && ns != root && !ns.StartsWith(root + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = ns.Length == root.Length ? string.Empty : ns[(root.Length == 0 ? 0 : root.Length + 1)..];
        var depth = rest.Length == 0 ? 0 : rest.Count(c => c == '/') + 1;
        return depth <= (maxDepth ?? 7);
    }

    private static string NsText(string ns) => ns.Length == 0 ? string.Empty : $" ns {ns}";
}
