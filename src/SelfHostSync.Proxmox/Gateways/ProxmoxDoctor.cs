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

    public static async Task<IReadOnlyList<Diagnosis>> PveAsync(PveCluster cluster, IPveApi api, IReadOnlySet<string> pbsServersReadDirectly, bool needsSysModify, CancellationToken cancellationToken)
    {
        var subject = $"pve:{cluster.Name}";
        var e = cluster.Endpoint;
        var found = new List<Diagnosis>();
        try
        {
            var nodes = await ProxmoxClients.Call(e, "GET /nodes", async () => ProxmoxClients.Require(e, "GET /nodes", (await api.GetNodesAsync(cancellationToken)).Data));
            found.Add(new Diagnosis(subject, DiagnosisLevel.Ok, $"reachable as {e.Identity}, {nodes.Count} node(s), TLS {Tls(e)}"));
            var permissions = await ProxmoxClients.Call(e, "GET /access/permissions", async () => ProxmoxClients.Require(e, "GET /access/permissions", (await api.GetPermissionsAsync(cancellationToken)).Data));
            found.AddRange(Judge(subject, e, permissions, PveNeeded, "/", needsSysModify));
            if (!Has(permissions, "VM.Config.Options", "/vms", "/"))
            {
                found.Add(new Diagnosis(subject, DiagnosisLevel.Problem, "missing VM.Config.Options on /vms: tags cannot be written (pveum acl modify /vms --tokens '<token>' --roles <role with VM.Config.Options>)"));
            }

            var storages = await ProxmoxClients.Call(e, "GET /storage", async () => ProxmoxClients.Require(e, "GET /storage", (await api.GetStoragesAsync(cancellationToken)).Data));
            found.AddRange(BackupVisibility(subject, e, new TokenPermissions(permissions), storages, pbsServersReadDirectly));
        }
        catch (ProxmoxApiException ex)
        {
            found.Add(new Diagnosis(subject, DiagnosisLevel.Problem, ex.Message));
        }

        return found;
    }

    public static async Task<IReadOnlyList<Diagnosis>> PbsAsync(PbsServer server, IPbsApi api, CancellationToken cancellationToken)
    {
        var subject = $"pbs:{server.Name}";
        var e = server.Endpoint;
        var found = new List<Diagnosis>();
        try
        {
            var stores = await ProxmoxClients.Call(e, "GET /admin/datastore", async () => ProxmoxClients.Require(e, "GET /admin/datastore", (await api.GetDatastoresAsync(cancellationToken)).Data));
            found.Add(new Diagnosis(subject, stores.Count == 0 ? DiagnosisLevel.Problem : DiagnosisLevel.Ok, stores.Count == 0
                ? $"reachable as {e.Identity} but no datastore is visible: grant DatastoreAudit on /datastore"
                : $"reachable as {e.Identity}, datastores {string.Join(", ", stores.Select(s => s.Store))}, TLS {Tls(e)}"));
            var permissions = await ProxmoxClients.Call(e, "GET /access/permissions", async () => ProxmoxClients.Require(e, "GET /access/permissions", (await api.GetPermissionsAsync(cancellationToken)).Data));
            found.AddRange(Judge(subject, e, permissions, [], "/", false));
        }
        catch (ProxmoxApiException ex)
        {
            found.Add(new Diagnosis(subject, DiagnosisLevel.Problem, ex.Message));
        }

        return found;
    }

    private static IEnumerable<Diagnosis> Judge(string subject, ProxmoxEndpoint e, Dictionary<string, Dictionary<string, System.Text.Json.JsonElement>> permissions, string[] needed, string root, bool needsSysModify)
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
            yield return new Diagnosis(subject, DiagnosisLevel.Warning, $"{e.Identity} belongs to {user}: create a dedicated user with only the privileges SelfHostSync needs (see README)");
        }

        var strong = TooStrong.Where(p => permissions.Values.Any(v => v.ContainsKey(p))).ToList();
        if (strong.Count > 0)
        {
            yield return new Diagnosis(subject, DiagnosisLevel.Warning, $"{e.Identity} is over-privileged ({string.Join(", ", strong)}; e.g. the Administrator role): SelfHostSync only reads, and writes guest tags");
        }
    }

    /// <summary>
    /// PVE's content listing drops, without an error, every backup the token may not access (<c>check_volume_access</c>):
    /// predict it per storage whose backups only PVE shows us, and print the grant that fixes it.
    /// </summary>
    private static IEnumerable<Diagnosis> BackupVisibility(string subject, ProxmoxEndpoint e, TokenPermissions permissions, List<StorageDto> storages, IReadOnlySet<string> direct)
    {
        var user = e.TokenId.Split('!')[0];
        var grant = $"pveum role add SelfHostSyncBackups --privs \"VM.Backup,Datastore.AllocateSpace\" && pveum acl modify / --users {user} --tokens '{e.TokenId}' --roles SelfHostSyncBackups";
        var hidden = storages
            .Where(s => s.Storage is not null && !Wire.Bool(s.Disable) && BackupStorages.ListedThroughPve(s, direct))
            .Where(s => !permissions.Has("Datastore.Allocate", $"/storage/{s.Storage}")
                && !(permissions.Has("Datastore.AllocateSpace", $"/storage/{s.Storage}") && permissions.Propagates("VM.Backup", "/vms")))
            .Select(s => s.Storage!)
            .ToList();
        if (hidden.Count > 0)
        {
            yield return new Diagnosis(subject, DiagnosisLevel.Problem,
                $"PVE hides the backups on {string.Join(", ", hidden)} from {e.Identity} (no error, a shorter list; their guests' backup checks stay unknown): "
                + $"it needs VM.Backup on /vms and Datastore.AllocateSpace on the storage, or Datastore.Allocate on the storage; both also allow creating and deleting backups. Fix: {grant}");
        }

        if (!permissions.Propagates("Pool.Audit", "/pool"))
        {
            yield return new Diagnosis(subject, DiagnosisLevel.Warning,
                $"{e.Identity} lacks Pool.Audit on /pool: PVE leaves the pool out of every guest, so intent rules and backup jobs by pool cannot match (pveum role modify <role> --append 1 --privs Pool.Audit)");
        }
    }

    /// <summary>Whether <c>/access/permissions</c> grants <paramref name="privilege"/> on one of <paramref name="paths"/>.</summary>
    internal static bool Has(Dictionary<string, Dictionary<string, System.Text.Json.JsonElement>> permissions, string privilege, params string[] paths) =>
        paths.Any(p => permissions.TryGetValue(p, out var privs) && privs.ContainsKey(privilege));

    private static string Tls(ProxmoxEndpoint e) =>
        e.InsecureSkipVerify ? "NOT verified (InsecureSkipVerify)" : e.Fingerprint is null ? "verified by CA" : "pinned";
}
