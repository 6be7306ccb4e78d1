using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// A cluster's datacenter-wide configuration: backup jobs, the guests no job covers, HA resources. Each is read
/// again after <c>ConfigRefresh</c>, like guest configs, and kept for the next process (decision 012).
/// </summary>
internal sealed class ClusterConfigReads(PveCluster cluster, IPveApi api, TimeProvider time, ReadMemory? memory)
{
    private readonly Refreshing<List<BackupJobDto>> _jobs = new(cluster.ConfigRefresh, time, KeptSlot.For(memory, cluster.Endpoint, "backup-jobs"));
    private readonly Refreshing<List<NotBackedUpDto>> _notBackedUp = new(
        cluster.ConfigRefresh,
        time,
        KeptSlot.For(memory, cluster.Endpoint, "not-backed-up")
    );
    private readonly Refreshing<Dictionary<int, string>> _ha = new(
        cluster.ConfigRefresh,
        time,
        KeptSlot.For(memory, cluster.Endpoint, "ha-resources")
    );

    public async Task<IReadOnlyList<BackupJob>> JobsAsync(CancellationToken cancellationToken) =>
        JobsOf(await _jobs.GetAsync(() => ReadJobsAsync(cancellationToken), cancellationToken));

    public async Task<IReadOnlyList<GuestKey>> NotBackedUpAsync(CancellationToken cancellationToken) =>
        NotBackedUpOf(await _notBackedUp.GetAsync(() => ReadNotBackedUpAsync(cancellationToken), cancellationToken));

    public Task<Dictionary<int, string>> HaAsync(CancellationToken cancellationToken) =>
        _ha.GetAsync(() => ReadHaAsync(cancellationToken), cancellationToken);

    /// <summary>Everything is read again on the next pass (the token's privileges changed).</summary>
    public void Forget()
    {
        _jobs.Forget();
        _notBackedUp.Forget();
        _ha.Forget();
    }

    private async Task<List<BackupJobDto>> ReadJobsAsync(CancellationToken cancellationToken) =>
        await ProxmoxClients.Call(cluster.Endpoint, "GET /cluster/backup", async () =>
            ProxmoxClients.Require(cluster.Endpoint, "GET /cluster/backup", (await api.GetBackupJobsAsync(cancellationToken)).Data)
        );

    private IReadOnlyList<BackupJob> JobsOf(List<BackupJobDto> jobs) =>
        jobs.Where(j => j.Id is not null && (j.Type is null or "vzdump"))
            .Select(j => new BackupJob(
                cluster.Name,
                j.Id!,
                Wire.Bool(j.Enabled, fallback: true),
                j.Schedule,
                Wire.Bool(j.All) ? JobSelection.AllGuests(Wire.VmidList(j.Exclude))
                    : j.Pool is not null ? JobSelection.OfPool(j.Pool)
                    : new JobSelection(false, Wire.VmidList(j.Vmid), new HashSet<int>(), null),
                j.Node,
                j.Storage
            ))
            .ToList();

    /// <summary>
    /// HA resources by VMID. <c>hastate</c> in <c>/cluster/resources</c> is the primary signal; this adds resources the
    /// HA status omits. It needs <c>Sys.Audit</c> on <c>/</c>; without it the resource rows still carry <c>hastate</c>,
    /// so a refusal loses nothing and is not a gap.
    /// </summary>
    private async Task<Dictionary<int, string>> ReadHaAsync(CancellationToken cancellationToken)
    {
        try
        {
            var rows = await ProxmoxClients.Call(cluster.Endpoint, "GET /cluster/ha/resources", async () =>
                ProxmoxClients.Require(cluster.Endpoint, "GET /cluster/ha/resources", (await api.GetHaResourcesAsync(cancellationToken)).Data)
            );
            var map = new Dictionary<int, string>();
            foreach (var row in rows)
            {
                var sep = row.Sid?.IndexOf(':', StringComparison.Ordinal) ?? -1;
                if (
                    sep > 0
                    && int.TryParse(
                        row.Sid.AsSpan(sep + 1),
                        System.Globalization.NumberStyles.None,
                        System.Globalization.CultureInfo.InvariantCulture,
                        out var vmid
                    )
                )
                {
                    map[vmid] = row.State ?? "started";
                }
            }

            return map;
        }
        catch (ProxmoxApiException ex) when (ex.Kind is ProxmoxErrorKind.Forbidden or ProxmoxErrorKind.NotSupported)
        {
            return new Dictionary<int, string>();
        }
    }

    private async Task<List<NotBackedUpDto>> ReadNotBackedUpAsync(CancellationToken cancellationToken)
    {
        const string What = "GET /cluster/backup-info/not-backed-up";
        return await ProxmoxClients.Call(cluster.Endpoint, What, async () =>
            ProxmoxClients.Require(cluster.Endpoint, What, (await api.GetNotBackedUpAsync(cancellationToken)).Data)
        );
    }

    private IReadOnlyList<GuestKey> NotBackedUpOf(List<NotBackedUpDto> rows) =>
        rows.Where(r => r.Vmid is > 0).Select(r => new GuestKey(cluster.Name, r.Vmid!.Value)).ToList();
}
