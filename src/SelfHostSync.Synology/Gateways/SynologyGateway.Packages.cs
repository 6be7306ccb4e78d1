using System.Globalization;
using SelfHostSync.Synology.Http;

namespace SelfHostSync.Synology.Gateways;

/// <summary>
/// Active Backup for Business and Snapshot Replication, when installed: recorded and shown as findings. They are not
/// mapped to guests: ABB names hypervisor VMs by its own ids (no reliable key to a PVE VMID), and a replicated share
/// is already covered by the storage link when it matters.
/// </summary>
internal sealed partial class SynologyGateway
{
    private async Task PackagesAsync(List<string> findings, CancellationToken cancellationToken)
    {
        try
        {
            if (await session.HasAsync("SYNO.ActiveBackup.Task", cancellationToken))
            {
                var abb = await session.CallAsync(
                    "SYNO.ActiveBackup.Task",
                    "list",
                    1,
                    new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["load_status"] = "true",
                        ["load_result"] = "true",
                        ["filter"] = "{}",
                    },
                    (a, p, f, ct) => a.AbbTasksAsync(p, f, ct),
                    cancellationToken
                );
                var tasks = abb.Tasks ?? [];
                var failing = tasks.Where(t => t.LastResult?.Status is 3 or 4 or 6).Select(t => t.TaskName ?? "?").ToList();
                findings.Add(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"Active Backup for Business on {endpoint.Name}: {tasks.Count} task(s){(failing.Count > 0 ? $", not successful: {string.Join(", ", failing)}" : ", all successful")} (not mapped to guests)"
                    )
                );
            }

            if (await session.HasAsync("SYNO.DR.Plan", cancellationToken))
            {
                var dr = await session.CallAsync(
                    "SYNO.DR.Plan",
                    "list",
                    1,
                    new Dictionary<string, string>(StringComparer.Ordinal) { ["additional"] = "[\"dr_site_info\",\"last_op_info\"]" },
                    (a, p, f, ct) => a.DrPlansAsync(p, f, ct),
                    cancellationToken
                );
                foreach (var plan in dr.Plans ?? [])
                {
                    var last = plan.Additional?.LastOp;
                    var to = plan.Additional?.DrSite?.Hostname ?? "?";
                    findings.Add(
                        last?.UpdateTime is { } t
                            ? $"Snapshot Replication of {plan.TargetId} on {endpoint.Name} to {to}: last sync {(last.IsSuccess == true ? "succeeded" : $"did not succeed (error {last.ErrCode?.ToString(CultureInfo.InvariantCulture) ?? "?"})")} ({DateTimeOffset.FromUnixTimeSeconds(t).ToString("u", CultureInfo.InvariantCulture)})"
                            : $"Snapshot Replication of {plan.TargetId} on {endpoint.Name} to {to}: never synced"
                    );
                }
            }
        }
        catch (DsmApiException ex) when (ex.Kind != DsmErrorKind.SessionLost)
        {
            findings.Add($"{endpoint.Name}: optional packages not readable: {ex.Message}");
        }
    }
}
