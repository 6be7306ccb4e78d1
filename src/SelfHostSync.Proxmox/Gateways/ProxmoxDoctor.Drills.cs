using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Sync;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary><c>doctor</c> for restore drills: the drill token's privileges, the node and target storage, a free range.</summary>
internal static class ProxmoxDoctorDrills
{
    private static readonly string[] VmPrivileges = ["VM.Audit", "VM.Allocate", "VM.PowerMgmt", "VM.Config.Network", "VM.Config.HWType", "VM.Config.Options"];

    public static async Task<IReadOnlyList<Diagnosis>> DiagnoseAsync(PveCluster cluster, IPveApi api, IDrillCluster drills, DrillSettings settings, CancellationToken cancellationToken)
    {
        var subject = $"drills:{cluster.Name}";
        var e = cluster.Endpoint;
        var found = new List<Diagnosis>();
        try
        {
            var nodes = await ProxmoxClients.Call(e, "GET /nodes", async () => ProxmoxClients.Require(e, "GET /nodes", (await api.GetNodesAsync(cancellationToken)).Data));
            if (!nodes.Any(n => n.Node == settings.Node))
            {
                found.Add(new Diagnosis(subject, DiagnosisLevel.Problem, $"RestoreDrills.Node '{settings.Node}' is not a node of {cluster.Name} ({string.Join(", ", nodes.Select(n => n.Node))})"));
            }

            var storages = await ProxmoxClients.Call(e, "GET /storage", async () => ProxmoxClients.Require(e, "GET /storage", (await api.GetStoragesAsync(cancellationToken)).Data));
            var target = storages.FirstOrDefault(s => s.Storage == settings.TargetStorage);
            if (target is null || !(target.Content ?? string.Empty).Split(',').Any(c => c is "images" or "rootdir"))
            {
                found.Add(new Diagnosis(subject, DiagnosisLevel.Problem, $"RestoreDrills.TargetStorage '{settings.TargetStorage}' is not a storage for guest disks on {cluster.Name}"));
            }

            var permissions = await ProxmoxClients.Call(e, "GET /access/permissions", async () => ProxmoxClients.Require(e, "GET /access/permissions", (await api.GetPermissionsAsync(cancellationToken)).Data));
            var vmPaths = new[] { $"/vms/{settings.Range.First}", "/vms", "/" };
            var missing = VmPrivileges.Where(p => !Has(permissions, p, vmPaths)).ToList();
            if (settings.Probe == DrillProbe.Agent && !Has(permissions, "VM.GuestAgent.Audit", vmPaths) && !Has(permissions, "VM.Monitor", vmPaths))
            {
                missing.Add("VM.GuestAgent.Audit (PVE 9) or VM.Monitor (PVE 8)");
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

            found.Add(missing.Count == 0
                ? new Diagnosis(subject, DiagnosisLevel.Ok, $"{e.Identity} may restore, start, probe and destroy in {settings.Range}")
                : new Diagnosis(subject, DiagnosisLevel.Problem, $"{e.Identity} lacks {string.Join(", ", missing)} (see docs/restore-drills.md for a role)"));
            if (e.TokenId.Split('!')[0] != "root@pam")
            {
                found.Add(new Diagnosis(subject, DiagnosisLevel.Warning, "guests with raw PCI/USB passthrough (hostpciN/usbN host=…) can only be restored and stripped by root@pam; their drills end with a permission error"));
            }

            var inRange = (await drills.GuestsAsync(cancellationToken)).Where(g => settings.Range.Contains(g.Vmid)).ToList();
            var foreign = inRange.Where(g => !g.IsDrillGuest).Select(g => g.Vmid).ToList();
            if (foreign.Count > 0)
            {
                found.Add(new Diagnosis(subject, DiagnosisLevel.Problem, $"VMID {string.Join(", ", foreign)} in RestoreDrills.VmidRange {settings.Range} {(foreign.Count == 1 ? "is" : "are")} not drill guests: drills refuse to run"));
            }
            else if (inRange.Count > 0)
            {
                found.Add(new Diagnosis(subject, DiagnosisLevel.Warning, $"{inRange.Count} leftover drill guest(s) in {settings.Range}: removed before the next drill"));
            }
        }
        catch (ProxmoxApiException ex)
        {
            found.Add(new Diagnosis(subject, DiagnosisLevel.Problem, ex.Message));
        }

        return found;
    }

    private static bool Has(Dictionary<string, Dictionary<string, System.Text.Json.JsonElement>> permissions, string privilege, params string[] paths) =>
        ProxmoxDoctor.Has(permissions, privilege, paths);
}
