using System.Text.Json;
using SelfHostSync.Core.Drills;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// What a drill checks before it restores, and <c>doctor</c> with it: the token's privileges, the SDN zone of each vnet,
/// the node's own bridges, and what in the source guest's config would make the restore or its isolation fail.
/// Reads only; allowed outside the drill range (the source guest's config, the token's privileges).
/// </summary>
internal sealed class PveDrillChecks(PveCluster cluster, IPveApi api)
{
    private ProxmoxEndpoint Endpoint => cluster.Endpoint;

    /// <summary>
    /// The SDN zone of each vnet the token may audit: a NIC on a vnet needs SDN.Use in that zone, not in localnetwork.
    /// None when SDN is not there to read (PVE 7, or an error): every bridge is then a plain one.
    /// </summary>
    internal static async Task<Dictionary<string, string>> ZonesAsync(IPveApi api, ProxmoxEndpoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            var vnets = await ProxmoxClients.Call(endpoint, "GET /cluster/sdn/vnets", async () =>
                (await api.GetVnetsAsync(cancellationToken)).Data ?? []
            );
            return vnets
                .Where(v => v is { Vnet: not null, Zone: not null })
                .GroupBy(v => v.Vnet!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First().Zone!, StringComparer.Ordinal);
        }
        catch (ProxmoxApiException)
        {
            return [];
        }
    }

    /// <summary>What every preflight on <paramref name="node"/> needs once: the token's privileges, SDN zones, the node's own bridges.</summary>
    internal async Task<Preflight> PreflightAsync(string node, CancellationToken cancellationToken)
    {
        var permissions = new TokenPermissions(await Get("GET /access/permissions", () => api.GetPermissionsAsync(cancellationToken)));
        var zones = await ZonesAsync(api, Endpoint, cancellationToken);
        var what = $"GET /nodes/{node}/network";
        var local = (await Get(what, () => api.GetNetworkAsync(node, "any_local_bridge", cancellationToken)))
            .Select(b => b.Iface)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        return new Preflight(permissions, bridge => zones.TryGetValue(bridge, out var zone) ? zone
            : local.Contains(bridge) ? "localnetwork"
            : null);
    }

    internal async Task<List<string>> BlockersAsync(
        ClusterGuest source,
        Preflight preflight,
        DrillIsolation isolation,
        CancellationToken cancellationToken
    )
    {
        var raw = await Get($"GET /nodes/{source.Node}/{source.Type}/{source.Vmid}/config", () =>
            api.GetGuestConfigAsync(source.Node, source.Type, source.Vmid, cancellationToken)
        );
        var config = raw.Where(kv => kv.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            .ToDictionary(
                kv => kv.Key,
                kv => kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString()! : kv.Value.GetRawText(),
                StringComparer.Ordinal
            );
        var permissions = preflight.Permissions;
        var blockers = DrillPreflight
            .Blockers(config, source.Type, isolation, permissions.Has, Endpoint.TokenId == "root@pam", preflight.ZoneOf)
            .ToList();

        // Without VM.Backup on the source PVE hides its backups and refuses to restore them (unless Datastore.Allocate).
        if (!permissions.Has("VM.Backup", $"/vms/{source.Vmid}") && !permissions.Propagates("Datastore.Allocate", "/storage"))
        {
            blockers.Insert(
                0,
                $"VM.Backup on /vms/{source.Vmid} is missing (PVE hides its backups from the drill token and refuses to restore them)"
            );
        }

        return blockers;
    }

    internal sealed record Preflight(TokenPermissions Permissions, Func<string, string?> ZoneOf);

    private async Task<T> Get<T>(string what, Func<Task<PveData<T>>> call)
        where T : class => ProxmoxClients.Require(Endpoint, what, (await ProxmoxClients.Call(Endpoint, what, call)).Data);
}
