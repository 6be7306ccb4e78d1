using System.Globalization;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Sync;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary><c>doctor</c> for restore drills: the drill token's privileges, the node and target storage, a free range.</summary>
internal static class ProxmoxDoctorDrills
{
    private static readonly string[] VmPrivileges =
    [
        "VM.Audit",
        "VM.Allocate",
        "VM.PowerMgmt",
        "VM.Config.Network",
        "VM.Config.HWType",
        "VM.Config.Options",
    ];

    public static async Task<IReadOnlyList<Diagnosis>> DiagnoseAsync(
        PveCluster cluster,
        IPveApi api,
        IDrillCluster drills,
        DrillSettings settings,
        CancellationToken cancellationToken
    )
    {
        var subject = $"drills:{cluster.Name}";
        var e = cluster.Endpoint;
        var found = new List<Diagnosis>();
        try
        {
            var nodes = await ProxmoxClients.Call(e, "GET /nodes", async () =>
                ProxmoxClients.Require(e, "GET /nodes", (await api.GetNodesAsync(cancellationToken)).Data)
            );
            if (!nodes.Any(n => n.Node == settings.Node))
            {
                found.Add(
                    new Diagnosis(
                        subject,
                        DiagnosisLevel.Problem,
                        $"RestoreDrills.Node '{settings.Node}' is not a node of {cluster.Name} ({string.Join(", ", nodes.Select(n => n.Node))})"
                    )
                );
            }

            var storages = await ProxmoxClients.Call(e, "GET /storage", async () =>
                ProxmoxClients.Require(e, "GET /storage", (await api.GetStoragesAsync(cancellationToken)).Data)
            );
            var target = storages.FirstOrDefault(s => s.Storage == settings.TargetStorage);
            var content = (target?.Content ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
            if (!content.Contains("images") && !content.Contains("rootdir"))
            {
                found.Add(
                    new Diagnosis(
                        subject,
                        DiagnosisLevel.Problem,
                        $"RestoreDrills.TargetStorage '{settings.TargetStorage}' is not a storage for guest disks on {cluster.Name}"
                    )
                );
            }
            else if (!content.Contains("rootdir"))
            {
                // pve-container: "storage 'x' does not support container directories".
                found.Add(
                    new Diagnosis(
                        subject,
                        DiagnosisLevel.Warning,
                        $"RestoreDrills.TargetStorage '{settings.TargetStorage}' holds no container volumes (content rootdir): PVE refuses to restore containers there, so their drills fail"
                    )
                );
            }
            else if (!content.Contains("images"))
            {
                found.Add(
                    new Diagnosis(
                        subject,
                        DiagnosisLevel.Warning,
                        $"RestoreDrills.TargetStorage '{settings.TargetStorage}' holds no VM disks (content images): PVE refuses to restore VMs there, so their drills fail"
                    )
                );
            }

            var permissions = await ProxmoxClients.Call(e, "GET /access/permissions", async () =>
                ProxmoxClients.Require(e, "GET /access/permissions", (await api.GetPermissionsAsync(cancellationToken)).Data)
            );
            var vmPaths = new[] { $"/vms/{settings.Range.First}", "/vms", "/" };
            var missing = VmPrivileges.Where(p => !Has(permissions, p, vmPaths)).ToList();
            if (settings.Probe == DrillProbe.Agent && !Has(permissions, "VM.GuestAgent.Audit", vmPaths) && !Has(permissions, "VM.Monitor", vmPaths))
            {
                missing.Add("VM.GuestAgent.Audit (PVE 9) or VM.Monitor (PVE 8)");
            }

            // Application probes run commands through the agent: PVE 9 asks for the unrestricted agent privilege
            // (Agent.pm), which the drill token needs on the scratch range only.
            if (
                settings.ApplicationProbes.Count > 0
                && !Has(permissions, "VM.GuestAgent.Unrestricted", vmPaths)
                && !Has(permissions, "VM.Monitor", vmPaths)
            )
            {
                missing.Add("VM.GuestAgent.Unrestricted (PVE 9) or VM.Monitor (PVE 8), for the application probes");
            }

            if (!Has(permissions, "Sys.Audit", "/nodes", "/"))
            {
                // Without it PVE lists only the token's own tasks: a running backup job would go unseen.
                missing.Add("Sys.Audit on /nodes (to see running backup jobs)");
            }

            if (!Has(permissions, "Datastore.AllocateSpace", $"/storage/{settings.TargetStorage}", "/storage", "/"))
            {
                missing.Add($"Datastore.AllocateSpace on /storage/{settings.TargetStorage}");
            }

            found.Add(
                missing.Count == 0
                    ? new Diagnosis(subject, DiagnosisLevel.Ok, $"{e.Identity} may restore, start, probe and destroy in {settings.Range}")
                    : new Diagnosis(
                        subject,
                        DiagnosisLevel.Problem,
                        $"{e.Identity} lacks {string.Join(", ", missing)} (see docs/restore-drills.md for a role)"
                    )
            );
            if (ProtectionLimits.Diagnose(subject, storages, new TokenPermissions(permissions), settings) is { } protection)
            {
                found.Add(protection);
            }

            if (e.TokenId.Split('!')[0] != "root@pam")
            {
                found.AddRange(await BridgesAsync(subject, e, api, settings, new TokenPermissions(permissions), cancellationToken));
                if (drills is PveDrillGateway gateway)
                {
                    found.AddRange(await PassedOverAsync(subject, gateway, settings, cancellationToken));
                }
            }

            var inRange = (await drills.GuestsAsync(cancellationToken)).Where(g => settings.Range.Contains(g.Vmid)).ToList();
            var foreign = inRange.Where(g => !g.IsDrillGuest).Select(g => g.Vmid).ToList();
            if (foreign.Count > 0)
            {
                found.Add(
                    new Diagnosis(
                        subject,
                        DiagnosisLevel.Problem,
                        $"VMID {string.Join(", ", foreign)} in RestoreDrills.VmidRange {settings.Range} {(foreign.Count == 1 ? "is" : "are")} not drill guests: drills refuse to run"
                    )
                );
            }
            else if (inRange.Count > 0)
            {
                found.Add(
                    new Diagnosis(
                        subject,
                        DiagnosisLevel.Warning,
                        $"{inRange.Count} leftover drill guest(s) in {settings.Range}: removed before the next drill"
                    )
                );
            }
        }
        catch (ProxmoxApiException ex)
        {
            found.Add(new Diagnosis(subject, DiagnosisLevel.Problem, ex.Message));
        }

        return found;
    }

    /// <summary>
    /// Every guest a drill would pass over with this token, and why, from each guest's configuration (one read each):
    /// the drill levels are the daemon's to choose, so all guests outside the range are looked at.
    /// </summary>
    private static async Task<IEnumerable<Diagnosis>> PassedOverAsync(
        string subject,
        PveDrillGateway drills,
        DrillSettings settings,
        CancellationToken cancellationToken
    )
    {
        var preflight = await drills.Checks.PreflightAsync(settings.Node, cancellationToken);
        var passedOver = new List<string>();
        foreach (
            var guest in (await drills.GuestsAsync(cancellationToken))
                .Where(g => !g.Template && !settings.Range.Contains(g.Vmid) && g.Type is "qemu" or "lxc")
                .OrderBy(g => g.Vmid)
        )
        {
            var blockers = await drills.Checks.BlockersAsync(guest, preflight, settings.Isolation, cancellationToken);
            if (blockers.Count > 0)
            {
                passedOver.Add(string.Create(CultureInfo.InvariantCulture, $"{guest.Vmid} ({string.Join("; ", blockers)})"));
            }
        }

        return passedOver.Count == 0
            ? []
            :
            [
                new Diagnosis(
                    subject,
                    DiagnosisLevel.Warning,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{passedOver.Count} guest(s) would be passed over by drills with this token: {string.Join(", ", passedOver.Take(10))}{(passedOver.Count > 10 ? $" and {passedOver.Count - 10} more" : string.Empty)}"
                    )
                ),
            ];
    }

    /// <summary>
    /// PVE 8+ checks SDN.Use on every NIC's bridge on restore and on the isolation's NIC change (<c>check_vnet_access</c>):
    /// bridges of the drill node (and vnets) the token may not use are guests that cannot be drilled.
    /// </summary>
    private static async Task<IEnumerable<Diagnosis>> BridgesAsync(
        string subject,
        ProxmoxEndpoint e,
        IPveApi api,
        DrillSettings settings,
        TokenPermissions permissions,
        CancellationToken cancellationToken
    )
    {
        var what = $"GET /nodes/{settings.Node}/network";
        var bridges = await ProxmoxClients.Call(e, what, async () =>
            ProxmoxClients.Require(e, what, (await api.GetNetworkAsync(settings.Node, "any_bridge", cancellationToken)).Data)
        );
        var zones = await PveDrillChecks.ZonesAsync(api, e, cancellationToken);
        var names = bridges
            .Select(b => b.Iface)
            .OfType<string>()
            .Concat(settings.Isolation.Bridge is { } isolated ? [isolated] : [])
            .Distinct(StringComparer.Ordinal);
        var refused = names
            .Select(b => DrillPreflight.SdnPaths($"bridge={b}", zones.GetValueOrDefault)[0])
            .Where(p => !permissions.Has("SDN.Use", p))
            .ToList();
        var user = e.TokenId.Split('!')[0];
        var tokens = e.TokenId.Contains('!', StringComparison.Ordinal) ? $" --tokens '{e.TokenId}'" : string.Empty;
        var found = new List<Diagnosis>();
        if (!permissions.Propagates("SDN.Audit", "/sdn/zones"))
        {
            found.Add(
                new Diagnosis(
                    subject,
                    DiagnosisLevel.Warning,
                    $"{e.Identity} lacks SDN.Audit on /sdn/zones: PVE hides the SDN vnets of other zones from it, so guests on them are passed over. Fix: pveum acl modify /sdn/zones --users {user}{tokens} --roles PVESDNUser"
                )
            );
        }

        if (refused.Count == 0)
        {
            return found;
        }

        var zonesToGrant = refused.Select(p => string.Join('/', p.Split('/').Take(4))).Distinct(StringComparer.Ordinal);
        found.Add(
            new Diagnosis(
                subject,
                DiagnosisLevel.Warning,
                $"{e.Identity} may not use {string.Join(", ", refused)} (SDN.Use, checked by PVE 8+ on restore and on the NIC isolation): guests on these bridges are passed over. "
                    + $"Fix: {string.Join(" && ", zonesToGrant.Select(z => $"pveum acl modify {z} --users {user}{tokens} --roles PVESDNUser"))}"
            )
        );
        return found;
    }

    private static bool Has(
        Dictionary<string, Dictionary<string, System.Text.Json.JsonElement>> permissions,
        string privilege,
        params string[] paths
    ) => ProxmoxDoctor.Has(permissions, privilege, paths);
}
