using SelfHostSync.Core.Evidence;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pbs;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>Verify and sync jobs of the PBS: findings for the operator, and push syncs to off-site remotes as replicas.</summary>
internal sealed partial class PbsServerGateway
{
    private async Task<(IReadOnlyList<StorageReplica> Replicas, IReadOnlyList<string> Findings)> ReadJobsAsync(
        List<Link> links,
        List<EvidenceGap> gaps,
        CancellationToken cancellationToken)
    {
        var findings = new List<string>();
        var replicas = new List<StorageReplica>();
        if (links.Count == 0)
        {
            return (replicas, findings);
        }

        try
        {
            var verify = await _verify.GetAsync(() => ProxmoxClients.Call(Endpoint, "GET /admin/verify", async () =>
                ProxmoxClients.Require(Endpoint, "GET /admin/verify", (await api.GetVerifyJobsAsync(cancellationToken)).Data)), cancellationToken);
            foreach (var (store, ns) in links.Select(l => (l.Datastore, l.Namespace)).Distinct())
            {
                var covering = verify.Where(j => j.Store == store && Covers(j.Ns, j.MaxDepth, ns)).ToList();
                if (covering.Count == 0)
                {
                    findings.Add($"no verify job covers datastore {store}{NsText(ns)}: snapshots there stay unverified");
                }
            }

            findings.AddRange(verify.Where(j => IsFailed(j.LastRunState)).Select(j => $"verify job {j.Id} last run: {j.LastRunState}"));
        }
        catch (ProxmoxApiException ex)
        {
            findings.Add($"verify jobs not readable: {ex.Message}");
        }

        List<SyncJobDto> sync;
        try
        {
            sync = await _sync.GetAsync(() => ReadSyncJobsAsync(cancellationToken), cancellationToken);
        }
        catch (ProxmoxApiException ex)
        {
            if (server.OffsiteRemoteNames.Count > 0)
            {
                gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.Replicas, null), Id.ToString(), $"sync jobs not readable: {ex.Message}"));
            }
            else
            {
                findings.Add($"sync jobs not readable: {ex.Message}");
            }

            return (replicas, findings);
        }

        findings.AddRange(sync.Where(j => IsFailed(j.LastRunState)).Select(j => $"sync job {j.Id} last run: {j.LastRunState}"));
        foreach (var job in sync)
        {
            if (job is not { SyncDirection: "push", Remote: { } remote, Store: { } store, LastRunEndtime: { } end }
                || !server.OffsiteRemoteNames.Contains(remote)
                || !string.Equals(job.LastRunState, "ok", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var link in links.Where(l => l.Datastore == store && Covers(job.Ns, job.MaxDepth, l.Namespace)))
            {
                replicas.Add(new StorageReplica(link.Cluster, link.StorageId, Wire.Epoch(end), $"PBS sync job {job.Id} → {remote}"));
            }
        }

        return (replicas, findings);
    }

    /// <summary><c>sync-direction=all</c> lists push jobs (PBS 3.3+); older servers refuse the parameter and only know pull.</summary>
    private async Task<List<SyncJobDto>> ReadSyncJobsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ProxmoxClients.Call(Endpoint, "GET /admin/sync", async () =>
                ProxmoxClients.Require(Endpoint, "GET /admin/sync", (await api.GetSyncJobsAsync("all", cancellationToken)).Data));
        }
        catch (ProxmoxApiException ex) when (ex.Status == System.Net.HttpStatusCode.BadRequest)
        {
            return await ProxmoxClients.Call(Endpoint, "GET /admin/sync", async () =>
                ProxmoxClients.Require(Endpoint, "GET /admin/sync", (await api.GetSyncJobsAsync(null, cancellationToken)).Data));
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

    private static bool IsFailed(string? state) =>
        state is not null && !string.Equals(state, "ok", StringComparison.OrdinalIgnoreCase);

    private static string NsText(string ns) => ns.Length == 0 ? string.Empty : $" ns {ns}";
}
