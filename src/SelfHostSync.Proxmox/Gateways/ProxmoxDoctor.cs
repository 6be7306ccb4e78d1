using SelfHostSync.Core.Sync;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pbs;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// <c>doctor</c> for Proxmox: reaches every endpoint (TLS pin, login), reads the token's own privileges
/// (<c>/access/permissions</c>) and says which needed privilege is missing — or which it has that it should not.
/// </summary>
internal static class ProxmoxDoctor
{
    private static readonly string[] PveNeeded = ["VM.Audit", "Sys.Audit", "Datastore.Audit"];
    private static readonly string[] TooStrong = ["Permissions.Modify", "Sys.PowerMgmt", "VM.Allocate", "User.Modify", "Sys.Console"];

    public static async Task<IReadOnlyList<Diagnosis>> PveAsync(
        PveCluster cluster,
        IPveApi api,
        PbsHosts pbsServersReadDirectly,
        bool needsSysModify,
        IReadOnlyCollection<string> managedTags,
        CancellationToken cancellationToken
    )
    {
        var subject = $"pve:{cluster.Name}";
        var e = cluster.Endpoint;
        var found = new List<Diagnosis>();
        try
        {
            var nodes = await ProxmoxClients.Call(e, "GET /nodes", async () =>
                ProxmoxClients.Require(e, "GET /nodes", (await api.GetNodesAsync(cancellationToken)).Data)
            );
            found.Add(new Diagnosis(subject, DiagnosisLevel.Ok, $"reachable as {e.Identity}, {nodes.Count} node(s), TLS {Tls(e)}"));
            var permissions = await ProxmoxClients.Call(e, "GET /access/permissions", async () =>
                ProxmoxClients.Require(e, "GET /access/permissions", (await api.GetPermissionsAsync(cancellationToken)).Data)
            );
            found.AddRange(Judge(subject, e, permissions, PveNeeded, "/", needsSysModify));
            if (!Has(permissions, "VM.Config.Options", "/vms", "/"))
            {
                found.Add(
                    new Diagnosis(
                        subject,
                        DiagnosisLevel.Problem,
                        "missing VM.Config.Options on /vms: tags cannot be written (pveum acl modify /vms --tokens '<token>' --roles <role with VM.Config.Options>)"
                    )
                );
            }

            var storages = await ProxmoxClients.Call(e, "GET /storage", async () =>
                ProxmoxClients.Require(e, "GET /storage", (await api.GetStoragesAsync(cancellationToken)).Data)
            );
            found.AddRange(BackupVisibility(subject, e, new TokenPermissions(permissions), storages, pbsServersReadDirectly));
            if (!new TokenPermissions(permissions).Has("Sys.Modify", "/"))
            {
                var options = await ProxmoxClients.Call(e, "GET /cluster/options", async () =>
                    ProxmoxClients.Require(e, "GET /cluster/options", (await api.GetClusterOptionsAsync(cancellationToken)).Data)
                );
                found.AddRange(TagPolicy.Diagnose(subject, e, options, managedTags));
            }
        }
        catch (ProxmoxApiException ex)
        {
            found.Add(new Diagnosis(subject, DiagnosisLevel.Problem, ex.Message));
        }

        return found;
    }

    public static async Task<IReadOnlyList<Diagnosis>> PbsAsync(
        PbsServer server,
        IPbsApi api,
        StorageCatalog storages,
        PbsHosts hosts,
        CancellationToken cancellationToken
    )
    {
        var subject = $"pbs:{server.Name}";
        var e = server.Endpoint;
        var user = e.TokenId.Split('!')[0];
        var authIds = e.UsesTicket || !e.TokenId.Contains('!', StringComparison.Ordinal) ? [user] : new[] { user, $"'{e.TokenId}'" };
        string Grant(string path, string role) =>
            string.Join(" && ", authIds.Select(id => $"proxmox-backup-manager acl update {path} {role} --auth-id {id}"));
        var found = new List<Diagnosis>();
        try
        {
            // PBS lists only the datastores the caller may audit, without an error.
            var stores = await ProxmoxClients.Call(e, "GET /admin/datastore", async () =>
                ProxmoxClients.Require(e, "GET /admin/datastore", (await api.GetDatastoresAsync(cancellationToken)).Data)
            );
            found.Add(
                new Diagnosis(
                    subject,
                    stores.Count == 0 ? DiagnosisLevel.Problem : DiagnosisLevel.Ok,
                    stores.Count == 0
                        ? $"reachable as {e.Identity} but no datastore is visible. Fix: {Grant("/datastore", "DatastoreAudit")}"
                        : $"reachable as {e.Identity}, datastores {string.Join(", ", stores.Select(s => s.Store))}, TLS {Tls(e)}"
                )
            );
            found.AddRange(
                stores
                    .Select(s => s.Unavailable())
                    .OfType<string>()
                    .Select(why => new Diagnosis(
                        subject,
                        DiagnosisLevel.Warning,
                        $"{why}: its snapshots cannot be read, the guests backed up there keep their tags until it is back"
                    ))
            );
            var raw = await ProxmoxClients.Call(e, "GET /access/permissions", async () =>
                ProxmoxClients.Require(e, "GET /access/permissions", (await api.GetPermissionsAsync(cancellationToken)).Data)
            );
            found.AddRange(Judge(subject, e, raw, [], "/", false));
            if (!new TokenPermissions(raw).Has("Sys.Audit", "/system/tasks"))
            {
                found.Add(
                    new Diagnosis(
                        subject,
                        DiagnosisLevel.Warning,
                        $"PBS shows {e.Identity} none of the verify, prune and garbage collection tasks (they need Sys.Audit on /system/tasks, no error), so every pass lists every snapshot instead of the changed backup groups. Fix: {Grant("/system/tasks", "Audit")}"
                    )
                );
            }

            if ((server.Offsite || server.OffsiteRemoteNames.Count > 0) && !new TokenPermissions(raw).Propagates("Remote.Audit", "/remote"))
            {
                found.Add(
                    new Diagnosis(
                        subject,
                        DiagnosisLevel.Problem,
                        $"PBS lists sync jobs only to remotes {e.Identity} may audit (no error, a shorter list): offsite evidence from sync jobs stays unknown. Fix: {Grant("/remote", "RemoteAudit")}"
                    )
                );
            }
        }
        catch (ProxmoxApiException ex)
        {
            found.Add(new Diagnosis(subject, DiagnosisLevel.Problem, ex.Message));
        }

        found.AddRange(await LinksAsync(subject, server, storages, hosts, cancellationToken));
        return found;
    }

    /// <summary>
    /// Snapshots read directly are attributed through PVE storages of type <c>pbs</c> that point at this server: with
    /// none, they count for no guest (a host or port that matches neither by name nor by address).
    /// </summary>
    private static async Task<IEnumerable<Diagnosis>> LinksAsync(
        string subject,
        PbsServer server,
        StorageCatalog storages,
        PbsHosts hosts,
        CancellationToken cancellationToken
    )
    {
        var seen = new List<string>();
        var linked = 0;
        foreach (var cluster in storages.Clusters)
        {
            try
            {
                foreach (var s in (await storages.GetAsync(cluster, cancellationToken)).Where(s => s.Type == "pbs" && !Wire.Bool(s.Disable)))
                {
                    seen.Add($"{cluster}/{s.Storage} → {s.Server}:{Wire.Int(s.Port) ?? 8007}");
                    linked += hosts.Is(server, s.Server, Wire.Int(s.Port)) ? 1 : 0;
                }
            }
            catch (ProxmoxApiException)
            {
                return [];
            }
        }

        if (linked > 0 || server.Offsite)
        {
            return [];
        }

        var url = server.Endpoint.BaseUrl;
        return
        [
            new Diagnosis(
                subject,
                DiagnosisLevel.Warning,
                $"no PVE storage of type pbs points at {url.Host}:{url.Port}, so its snapshots count for no guest"
                    + (seen.Count == 0 ? string.Empty : $" (pbs storages: {string.Join(", ", seen)}); use the host and port of storage.cfg in Url")
            ),
        ];
    }

    private static IEnumerable<Diagnosis> Judge(
        string subject,
        ProxmoxEndpoint e,
        Dictionary<string, Dictionary<string, System.Text.Json.JsonElement>> permissions,
        string[] needed,
        string root,
        bool needsSysModify
    )
    {
        foreach (var privilege in needed.Where(p => !Has(permissions, p, root)))
        {
            yield return new Diagnosis(subject, DiagnosisLevel.Problem, $"missing {privilege} on {root}");
        }

        if (needsSysModify && !Has(permissions, "Sys.Modify", root))
        {
            yield return new Diagnosis(subject, DiagnosisLevel.Problem, "Tags.ColorMap/Register need Sys.Modify on / (or turn them off)");
        }

        var user = e.TokenId.Split('!')[0];
        if (user is "root@pam" or "root@pbs")
        {
            yield return new Diagnosis(
                subject,
                DiagnosisLevel.Warning,
                $"{e.Identity} belongs to {user}: create a dedicated user with only the privileges SelfHostSync needs (see README)"
            );
        }

        var strong = TooStrong.Where(p => permissions.Values.Any(v => v.ContainsKey(p))).ToList();
        if (strong.Count > 0)
        {
            yield return new Diagnosis(
                subject,
                DiagnosisLevel.Warning,
                $"{e.Identity} is over-privileged ({string.Join(", ", strong)}; e.g. the Administrator role): SelfHostSync only reads, and writes guest tags"
            );
        }
    }

    /// <summary>
    /// PVE's content listing drops, without an error, every backup the token may not access (<c>check_volume_access</c>):
    /// predict it per storage whose backups only PVE shows us, and print the grant that fixes it.
    /// </summary>
    private static IEnumerable<Diagnosis> BackupVisibility(
        string subject,
        ProxmoxEndpoint e,
        TokenPermissions permissions,
        List<StorageDto> storages,
        PbsHosts direct
    )
    {
        var user = e.TokenId.Split('!')[0];
        var grant =
            $"pveum role add SelfHostSyncBackups --privs \"VM.Backup,Datastore.AllocateSpace\" && pveum acl modify / --users {user} --tokens '{e.TokenId}' --roles SelfHostSyncBackups";
        var hidden = storages
            .Where(s => s.Storage is not null && !Wire.Bool(s.Disable) && BackupStorages.ListedThroughPve(s, direct))
            .Where(s =>
                !permissions.Has("Datastore.Allocate", $"/storage/{s.Storage}")
                && !(permissions.Has("Datastore.AllocateSpace", $"/storage/{s.Storage}") && permissions.Propagates("VM.Backup", "/vms"))
            )
            .Select(s => s.Storage!)
            .ToList();
        if (hidden.Count > 0)
        {
            yield return new Diagnosis(
                subject,
                DiagnosisLevel.Problem,
                $"PVE hides the backups on {string.Join(", ", hidden)} from {e.Identity} (no error, a shorter list; their guests' backup checks stay unknown): "
                    + $"it needs VM.Backup on /vms and Datastore.AllocateSpace on the storage, or Datastore.Allocate on the storage; both also allow creating and deleting backups. Fix: {grant}"
            );
        }

        if (!permissions.Propagates("Pool.Audit", "/pool"))
        {
            yield return new Diagnosis(
                subject,
                DiagnosisLevel.Warning,
                $"{e.Identity} lacks Pool.Audit on /pool: PVE leaves the pool out of every guest, so intent rules and backup jobs by pool cannot match (pveum role modify <role> --append 1 --privs Pool.Audit)"
            );
        }
    }

    /// <summary>Whether <c>/access/permissions</c> grants <paramref name="privilege"/> on one of <paramref name="paths"/>.</summary>
    internal static bool Has(
        Dictionary<string, Dictionary<string, System.Text.Json.JsonElement>> permissions,
        string privilege,
        params string[] paths
    ) => paths.Any(p => permissions.TryGetValue(p, out var privs) && privs.ContainsKey(privilege));

    private static string Tls(ProxmoxEndpoint e) =>
        e.InsecureSkipVerify ? "NOT verified (InsecureSkipVerify)"
        : e.Fingerprint is null ? "verified by CA"
        : "pinned";
}
