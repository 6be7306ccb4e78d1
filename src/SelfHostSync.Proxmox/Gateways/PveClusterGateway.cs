using System.Collections.Concurrent;
using System.Text.Json;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Tags;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// Reads one PVE cluster: guests (one <c>/cluster/resources?type=vm</c>), their configs (incrementally), backup
/// jobs, vzdump files on file storages, and restore tasks with their logs.
/// </summary>
internal sealed partial class PveClusterGateway : IEvidenceSource
{
    private readonly PveCluster _cluster;
    private readonly IPveApi _api;
    private readonly StorageCatalog _storages;
    private readonly TimeProvider _time;
    private readonly GuestConfigCache _configs;
    private ConcurrentDictionary<int, ConfigRead> _readThisPass = new();
    private readonly RestoreTaskScan _restores;
    private readonly PveBackupReader _backups;
    private readonly ClusterConfigReads _settings;
    private readonly KeptSlot? _keptBasis;
    private TokenPermissions? _basis;

    public PveClusterGateway(
        PveCluster cluster,
        IPveApi api,
        StorageCatalog storages,
        PbsHosts pbsServersReadDirectly,
        TimeProvider time,
        ReadMemory? memory = null
    )
    {
        _cluster = cluster;
        _api = api;
        _storages = storages;
        _time = time;
        _settings = new ClusterConfigReads(cluster, api, time, memory);
        _keptBasis = KeptSlot.For(memory, cluster.Endpoint, "permissions");
        _configs = new GuestConfigCache(cluster.ConfigRefresh, time, KeptSlot.For(memory, cluster.Endpoint, "guest-configs"));
        Id = new SourceId("pve", cluster.Name);
        _backups = new PveBackupReader(cluster, api, storages, pbsServersReadDirectly, Id);
        _restores = new RestoreTaskScan(cluster, api, Id, KeptSlot.For(memory, cluster.Endpoint, "restore-tasks"), time);
        Scope =
        [
            new EvidenceScope(EvidenceKind.Guests, cluster.Name),
            new EvidenceScope(EvidenceKind.GuestConfig, cluster.Name),
            new EvidenceScope(EvidenceKind.BackupJobs, cluster.Name),
            new EvidenceScope(EvidenceKind.BackupCopies, cluster.Name),
            new EvidenceScope(EvidenceKind.RestoreTests, cluster.Name),
        ];
    }

    public SourceId Id { get; }

    public IReadOnlyList<EvidenceScope> Scope { get; }

    private ProxmoxEndpoint Endpoint => _cluster.Endpoint;

    public async Task<EvidenceBatch> CollectAsync(CancellationToken cancellationToken)
    {
        // What an earlier pass read may have changed since, our own tag writes included: only this pass's reads are lent.
        _readThisPass = new ConcurrentDictionary<int, ConfigRead>();
        // Every kind of row in one request: the guests, and the nodes with the status GET /nodes would give
        // (Cluster.pm and Nodes.pm both answer with extract_node_stats); pool and storage rows are passed over.
        var resources = await ProxmoxClients.Call(Endpoint, "GET /cluster/resources", async () =>
            ProxmoxClients.Require(Endpoint, "GET /cluster/resources", (await _api.GetResourcesAsync(null, cancellationToken)).Data)
        );
        var nodes = resources
            .Where(r => r.Type == "node" && r.Node is not null)
            .Select(r => new NodeDto(r.Node!, r.Status))
            .OrderBy(n => n.Node, StringComparer.Ordinal)
            .ToList();
        var rows = resources
            .Where(r => r.Vmid is > 0 && r.Node is not null && (r.Type is "qemu" or "lxc") && !_cluster.IsScratch(r.Vmid.Value, r.Tags))
            .ToList();

        // The drill range is left out of the matrix (scratch guests get no tags); a guest there that is not a drill
        // guest, named and unlocked, is probably a real one a too-wide range hides: say so every pass.
        var hidden = resources
            .Where(r =>
                r.Vmid is { } v
                && _cluster.ScratchRange?.Contains(v) == true
                && !Core.Evidence.TagList.Parse(r.Tags).Contains(Core.Drills.DrillSettings.Tag, StringComparer.OrdinalIgnoreCase)
                && !string.IsNullOrEmpty(r.Name)
                && string.IsNullOrEmpty(r.Lock)
            )
            .Select(r => r.Vmid!.Value)
            .Order()
            .ToList();
        var rangeFindings =
            hidden.Count == 0
                ? []
                : new List<string>
                {
                    string.Create(
                        System.Globalization.CultureInfo.InvariantCulture,
                        $"{hidden.Count} guest(s) in RestoreDrills.VmidRange {_cluster.ScratchRange} are not drill guests and are left out of the matrix, tags and metrics ({string.Join(", ", hidden.Take(10))}): move them or narrow the range"
                    ),
                };

        var gaps = new ConcurrentBag<EvidenceGap>();
        var permissions = await ReadPermissionsAsync(gaps, cancellationToken);
        // Jobs, not-backed-up and HA are configuration: read again after ConfigRefresh, like guest configs.
        var jobsTask = Guard(EvidenceKind.BackupJobs, gaps, () => _settings.JobsAsync(cancellationToken), []);
        var notBackedUpTask = Guard(EvidenceKind.BackupJobs, gaps, () => _settings.NotBackedUpAsync(cancellationToken), []);
        var haTask = _settings.HaAsync(cancellationToken);
        var guests = await ReadGuestsAsync(rows, await haTask, gaps, cancellationToken);
        _configs.Keep(rows);
        var copies = await Guard(EvidenceKind.BackupCopies, gaps, () => _backups.ReadAsync(nodes, guests, permissions, gaps, cancellationToken), []);
        var online = nodes.Where(n => !IsOffline(n)).Select(n => n.Node).ToList();
        var tests =
            online.Count == 0
                ? []
                : await Guard(EvidenceKind.RestoreTests, gaps, () => _restores.ReadAsync(online, permissions, gaps, cancellationToken), []);

        return new EvidenceBatch
        {
            Guests = guests,
            Jobs = await jobsTask,
            NotBackedUp = await notBackedUpTask,
            Copies = copies,
            RestoreTests = tests,
            Findings = rangeFindings,
            Gaps = gaps.ToList(),
        };
    }

    private async Task<T> Guard<T>(EvidenceKind kind, ConcurrentBag<EvidenceGap> gaps, Func<Task<T>> read, T empty)
    {
        try
        {
            return await read();
        }
        catch (ProxmoxApiException ex)
        {
            gaps.Add(new EvidenceGap(new EvidenceScope(kind, _cluster.Name), Id.ToString(), ex.Message));
            return empty;
        }
    }

    private async Task<List<Guest>> ReadGuestsAsync(
        List<ResourceDto> rows,
        IReadOnlyDictionary<int, string> ha,
        ConcurrentBag<EvidenceGap> gaps,
        CancellationToken cancellationToken
    )
    {
        var now = _time.GetUtcNow();
        var guests = new Guest[rows.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Endpoint.MaxConcurrentRequests, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count), options, async (i, ct) =>
        {
            var row = rows[i];
            GuestConfig? config = null;
            var isTemplate = Wire.Bool(row.Template);
            if (!isTemplate && !string.Equals(row.Status, "unknown", StringComparison.Ordinal))
            {
                config = await ConfigOf(row, now, gaps, ct);
            }

            guests[i] = new Guest
            {
                Key = new GuestKey(_cluster.Name, row.Vmid!.Value),
                Node = row.Node!,
                Type = row.Type == "lxc" ? GuestType.Lxc : GuestType.Qemu,
                Name = row.Name,
                Status = row.Status,
                Tags = TagList.Parse(row.Tags),
                Pool = row.Pool,
                Template = isTemplate,
                HaState = row.HaState ?? ha.GetValueOrDefault(row.Vmid!.Value),
                Lock = row.Lock,
                Config = config,
            };
        });
        return guests.ToList();
    }

    private async Task<GuestConfig?> ConfigOf(
        ResourceDto row,
        DateTimeOffset now,
        ConcurrentBag<EvidenceGap> gaps,
        CancellationToken cancellationToken
    )
    {
        var vmid = row.Vmid!.Value;
        if (_configs.Find(row, now) is { } cached)
        {
            return cached;
        }

        try
        {
            var raw = await ReadConfigAsync(row.Node!, row.Type!, vmid, cancellationToken);
            var read = ConfigRead.Of(raw);
            _readThisPass[vmid] = read;
            var config = new GuestConfig(
                Wire.Bool(raw.GetValueOrDefault("onboot")),
                Wire.Bool(raw.GetValueOrDefault("protection")),
                Wire.String(raw.GetValueOrDefault("description")),
                DiskStorages.Of(raw)
            );
            _configs.Set(row, config, now, read.Digest);
            return config;
        }
        catch (ProxmoxApiException ex)
        {
            gaps.Add(new EvidenceGap(new EvidenceScope(EvidenceKind.GuestConfig, _cluster.Name), Id.ToString(), ex.Message));
            return null;
        }
    }

    /// <summary>
    /// The config this pass read of <paramref name="vmid"/>, once: the tag writer writes against its digest instead of
    /// reading it again (a change since is PVE's digest refusal: the writer reads afresh and plans once more).
    /// </summary>
    internal ConfigRead? TakeReadThisPass(int vmid) => _readThisPass.TryRemove(vmid, out var raw) ? raw : null;

    internal async Task<Dictionary<string, JsonElement>> ReadConfigAsync(string node, string type, int vmid, CancellationToken cancellationToken)
    {
        var what = $"GET /nodes/{node}/{type}/{vmid}/config";
        return await ProxmoxClients.Call(Endpoint, what, async () =>
            ProxmoxClients.Require(Endpoint, what, (await _api.GetGuestConfigAsync(node, type, vmid, cancellationToken)).Data)
        );
    }

    internal static bool IsOffline(NodeDto node) => string.Equals(node.Status, "offline", StringComparison.Ordinal);

    // A tag write changes nothing the config cache holds (onboot, protection, notes, disks): the cache stays.
    internal Task PutConfigAsync(string node, string type, int vmid, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        var what = $"PUT /nodes/{node}/{type}/{vmid}/config";
        return ProxmoxClients.Call(Endpoint, what, () => _api.PutGuestConfigAsync(node, type, vmid, form, cancellationToken));
    }

    /// <summary>What a tag write needs of a config read: its digest, tags and lock (a few strings, not the config).</summary>
    internal sealed record ConfigRead(string? Digest, string? Tags, string? Lock)
    {
        public static ConfigRead Of(Dictionary<string, JsonElement> raw) =>
            new(Wire.String(raw.GetValueOrDefault("digest")), Wire.String(raw.GetValueOrDefault("tags")), Wire.String(raw.GetValueOrDefault("lock")));
    }

    /// <summary>
    /// The privileges the kept configuration reads were made with: when this pass's differ, every kept read of this
    /// cluster is dropped (a removed privilege shows as the refusal it causes, not an hour later).
    /// </summary>
    private void BaseKeptReadsOn(TokenPermissions permissions)
    {
        if (_basis is null && _keptBasis?.TryRecall<TokenPermissions>(out var kept, out _) == true)
        {
            _basis = kept;
        }

        if (_basis is not null && _basis.SameAs(permissions))
        {
            return;
        }

        // Changed, or unknown (a first pass, or reads kept without the privileges they were made with): read again
        // (the storages as well, unless this process read them already this pass for a backup server).
        _settings.Forget();
        _configs.Clear();
        _storages.Forget(_cluster.Name, onlyFromMemory: _basis is null);
        _restores.Restart();
        _basis = permissions;
        _keptBasis?.Keep(permissions, _time.GetUtcNow());
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
            var permissions = new TokenPermissions(
                await ProxmoxClients.Call(Endpoint, "GET /access/permissions", async () =>
                    ProxmoxClients.Require(Endpoint, "GET /access/permissions", (await _api.GetPermissionsAsync(cancellationToken)).Data)
                )
            );
            BaseKeptReadsOn(permissions);
            return permissions;
        }
        catch (ProxmoxApiException ex)
        {
            gaps.Add(
                new EvidenceGap(
                    new EvidenceScope(EvidenceKind.BackupCopies, _cluster.Name, "token privileges"),
                    Id.ToString(),
                    $"the token's privileges could not be read, so what PVE hides from it is unknown: {ex.Message}"
                )
            );
            return null;
        }
    }
}
