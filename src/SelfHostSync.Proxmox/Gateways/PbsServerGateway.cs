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
/// A datastore that cannot be listed (maintenance, unmounted, an error) leaves a gap for its storages only.
/// </summary>
internal sealed class PbsServerGateway(
    PbsServer server,
    IPbsApi api,
    StorageCatalog storages,
    PbsHosts hosts,
    TimeProvider time,
    ReadMemory? memory = null
) : IEvidenceSource
{
    // Datastores and job definitions are configuration; their last-run states are refreshed at the same pace.
    internal static readonly TimeSpan ConfigLifetime = TimeSpan.FromMinutes(15);
    private readonly Dictionary<(string Store, string Ns), KnownSnapshots> _known = [];
    private int _copiesLastPass;

    /// <summary>A streamed listing that sends nothing for this long has stalled (the per-attempt timeout).</summary>
    private TimeSpan StallTimeout => Endpoint.Timeout ?? new ResilienceSettings().AttemptTimeout;

    private readonly Refreshing<List<DatastoreDto>> _datastores = new(ConfigLifetime, time, KeptSlot.For(memory, server.Endpoint, "datastores"));

    private readonly PbsJobReader _jobs = new(server, api, storages, time, memory, new SourceId("pbs", server.Name));
    private PbsTaskWatch? _tasks;

    public SourceId Id { get; } = new("pbs", server.Name);

    public IReadOnlyList<EvidenceScope> Scope { get; } =
        CarriesReplicas(server)
            ? [new EvidenceScope(EvidenceKind.BackupCopies, null), new EvidenceScope(EvidenceKind.Replicas, null)]
            : [new EvidenceScope(EvidenceKind.BackupCopies, null)];

    /// <summary>Push syncs to offsite remotes, or (an offsite server) pull syncs from our PBS, are replica evidence.</summary>
    internal static bool CarriesReplicas(PbsServer server) => server.OffsiteRemoteNames.Count > 0 || server.Offsite;

    private ProxmoxEndpoint Endpoint => server.Endpoint;

    public async Task<EvidenceBatch> CollectAsync(CancellationToken cancellationToken)
    {
        var datastores = await _datastores.GetAsync(
            () =>
                ProxmoxClients.Call(Endpoint, "GET /admin/datastore", async () =>
                    ProxmoxClients.Require(Endpoint, "GET /admin/datastore", (await api.GetDatastoresAsync(cancellationToken)).Data)
                ),
            cancellationToken
        );
        var known = datastores.ToDictionary(d => d.Store, StringComparer.Ordinal);

        var gaps = new List<EvidenceGap>();
        var links = new List<DatastoreLink>();
        foreach (var cluster in storages.Clusters)
        {
            try
            {
                foreach (var s in await storages.GetAsync(cluster, cancellationToken))
                {
                    if (
                        s.Type == "pbs"
                        && s.Storage is not null
                        && s.Datastore is not null
                        && !Wire.Bool(s.Disable)
                        && hosts.Is(server, s.Server, Wire.Int(s.Port))
                    )
                    {
                        links.Add(new DatastoreLink(cluster, s.Storage, s.Datastore, s.Namespace ?? string.Empty));
                    }
                }
            }
            catch (ProxmoxApiException ex)
            {
                gaps.Add(
                    new EvidenceGap(
                        new EvidenceScope(EvidenceKind.BackupCopies, cluster),
                        Id.ToString(),
                        $"cannot link datastores to cluster {cluster}: {ex.Message}"
                    )
                );
            }
        }

        var copies = new List<BackupCopy>(_copiesLastPass);
        var touched = links.Count == 0 ? null : await (_tasks ??= new PbsTaskWatch(server, api, _jobs, time)).TouchedStoresAsync(cancellationToken);
        foreach (var group in links.GroupBy(l => (l.Datastore, l.Namespace)))
        {
            var (store, ns) = group.Key;
            var groupLinks = group.ToList();

            // PBS lists only the datastores the token may audit, silently: one missing may be there, unseen.
            var why = !known.TryGetValue(store, out var datastore)
                ? $"datastore '{store}' is not listed by {server.Name} (missing, or {Endpoint.Identity} lacks Datastore.Audit on /datastore/{store})"
                : datastore.Unavailable();
            if (why is null)
            {
                try
                {
                    await ReadSnapshotsAsync(datastore!, ns, groupLinks, copies, touched, cancellationToken);
                    continue;
                }
                catch (ProxmoxApiException ex)
                {
                    why = ex.Message;
                }
            }

            _known.Remove((store, ns));
            gaps.AddRange(
                groupLinks.Select(l => new EvidenceGap(
                    new EvidenceScope(EvidenceKind.BackupCopies, l.Cluster, $"PVE storage {l.StorageId}"),
                    Id.ToString(),
                    why
                ))
            );
        }

        // Kept for the next pass: sized once, a list of 100,000s does not leave its doubling arrays behind.
        _copiesLastPass = copies.Count;

        var jobs = await _jobs.ReadAsync(links, gaps, cancellationToken);
        return new EvidenceBatch
        {
            Copies = copies,
            Replicas = jobs.Replicas,
            Findings = jobs.Findings,
            Gaps = gaps,
        };
    }

    /// <summary>
    /// One datastore namespace. After a first full listing, a pass lists the groups (one small answer) and reads the
    /// snapshots only of groups that changed; everything is listed again after a verify, prune or garbage collection task
    /// on the datastore, when a group lost snapshots, when the tasks cannot be seen, and every <c>FullListingEvery</c>.
    /// </summary>
    private async Task ReadSnapshotsAsync(
        DatastoreDto datastore,
        string ns,
        List<DatastoreLink> groupLinks,
        List<BackupCopy> copies,
        ISet<string>? touched,
        CancellationToken cancellationToken
    )
    {
        var key = (datastore.Store, ns);
        var now = time.GetUtcNow();

        // Whatever fails from here leaves nothing kept: the next pass lists this namespace in full.
        _known.Remove(key, out var known);
        var offsite = server.Offsite || (server.S3Offsite && datastore.BackendType == "s3");
        if (touched is null)
        {
            // The tasks that change snapshots cannot be seen: nothing learnt now could be trusted next pass.
            var all = await ListAllAsync(datastore.Store, ns, cancellationToken);
            Emit(Flatten(all), groupLinks, copies, offsite);
            return;
        }

        // The first listing learns the group summaries next pass, from the group list that pass reads anyway.
        var groups = known is null ? null : await ReadGroupsAsync(datastore.Store, ns, cancellationToken);
        if (
            known is null
            || groups is null
            || touched.Contains(datastore.Store)
            || now - known.FullAt >= server.FullListingEvery
            || known.AnyCountDropped(groups)
        )
        {
            var all = await ListAllAsync(datastore.Store, ns, cancellationToken);

            // This pass's copies are the listing's (a group that began after the group list is known from the next pass).
            _known[key] = KnownSnapshots.Listed(now, all, groups);
            Emit(Flatten(all), groupLinks, copies, offsite);
            return;
        }
        else
        {
            foreach (var group in known.Changed(groups).ToList())
            {
                var facts = new List<SnapshotFact>();
                await ListAsync(datastore.Store, ns, group, snapshot => facts.Add(SnapshotFact.Of(snapshot)), cancellationToken);
                known.Set(group, facts);
            }

            known.KeepOnly(groups);
            known.Summarise(groups);
        }

        _known[key] = known;
        Emit(known.All, groupLinks, copies, offsite);
    }

    private static IEnumerable<(string Type, string Id, SnapshotFact Snapshot)> Flatten(
        Dictionary<(string Type, string Id), List<SnapshotFact>> groups
    ) => groups.SelectMany(g => g.Value.Select(f => (g.Key.Type, g.Key.Id, f)));

    private void Emit(
        IEnumerable<(string Type, string Id, SnapshotFact Snapshot)> snapshots,
        List<DatastoreLink> groupLinks,
        List<BackupCopy> copies,
        bool offsite
    )
    {
        foreach (var (type, id, snapshot) in snapshots)
        {
            foreach (var link in groupLinks)
            {
                if (link.CopyOf(server.Name, type, id, snapshot, offsite) is { } copy)
                {
                    copies.Add(copy);
                }
            }
        }
    }

    /// <summary>Every snapshot of the namespace, by group (a snapshot without a group name is of no guest and is dropped later).</summary>
    private async Task<Dictionary<(string Type, string Id), List<SnapshotFact>>> ListAllAsync(
        string store,
        string ns,
        CancellationToken cancellationToken
    )
    {
        var read = new Dictionary<(string Type, string Id), List<SnapshotFact>>();
        await ListAsync(
            store,
            ns,
            null,
            snapshot =>
            {
                var group = (snapshot.BackupType ?? string.Empty, snapshot.BackupId ?? string.Empty);
                if (!read.TryGetValue(group, out var facts))
                {
                    read[group] = facts = [];
                }

                facts.Add(SnapshotFact.Of(snapshot));
            },
            cancellationToken
        );
        return read;
    }

    private Task<List<GroupDto>> ReadGroupsAsync(string store, string ns, CancellationToken cancellationToken)
    {
        var what = $"GET /admin/datastore/{store}/groups";
        return ProxmoxClients.Call(Endpoint, what, async () =>
            ProxmoxClients.Require(Endpoint, what, (await api.GetGroupsAsync(store, ns.Length == 0 ? null : ns, cancellationToken)).Data)
        );
    }

    /// <summary>A snapshot listing (of a namespace, or of one group), streamed: PBS builds the whole list before it sends a byte.</summary>
    private async Task ListAsync(string store, string ns, GroupDto? group, Action<SnapshotDto> each, CancellationToken cancellationToken)
    {
        var what = $"GET /admin/datastore/{store}/snapshots";
        var found = await ProxmoxClients.Call(Endpoint, what, async () =>
        {
            await using var answer = group is null
                ? await api.GetSnapshotsAsync(store, ns.Length == 0 ? null : ns, cancellationToken)
                : await api.GetGroupSnapshotsAsync(
                    store,
                    ns.Length == 0 ? null : ns,
                    group.BackupType ?? string.Empty,
                    group.BackupId ?? string.Empty,
                    cancellationToken
                );
            return await DataArrayReader.ReadAsync(answer, ProxmoxClients.Json, StallTimeout, each, cancellationToken);
        });
        if (!found)
        {
            throw ProxmoxClients.NoData(Endpoint, what);
        }
    }
}

/// <summary>A PVE storage of type <c>pbs</c> that stores in one of this server's datastores and namespaces.</summary>
internal sealed record DatastoreLink(string Cluster, string StorageId, string Datastore, string Namespace)
{
    private string? _location;

    /// <summary>Shared by every copy of this link (hundreds of thousands on a large estate).</summary>
    public string Location(string server) => _location ??= Namespace.Length == 0 ? $"{server}/{Datastore}" : $"{server}/{Datastore} (ns {Namespace})";

    /// <summary>A snapshot of this link's datastore and namespace as a copy of its guest's backup, or null when it is none.</summary>
    public BackupCopy? CopyOf(string server, string type, string id, SnapshotFact snapshot, bool offsite)
    {
        // Without a manifest (no size) the backup is still being written, or broke: not a copy, and not to be drilled.
        if (
            type is not ("vm" or "ct")
            || snapshot.Time == 0
            || !snapshot.Complete
            || !int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var vmid)
            || vmid <= 0
        )
        {
            return null;
        }

        var time = Wire.Epoch(snapshot.Time);
        var location = Location(server);
        return new BackupCopy(
            new GuestKey(Cluster, vmid),
            BackupCopyKind.PbsSnapshot,
            location,
            StorageId,
            time,
            snapshot.Verification switch
            {
                "ok" => VerificationState.Ok,
                "failed" => VerificationState.Failed,
                _ => VerificationState.None,
            },
            snapshot.Protected,
            snapshot.Encrypted,
            offsite
        );
    }
}
