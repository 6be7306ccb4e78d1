using System.Globalization;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Sync;
using SelfHostSync.Synology.Api;
using SelfHostSync.Synology.Http;

namespace SelfHostSync.Synology.Gateways;

/// <summary>
/// Hyper Backup on one NAS: its tasks with their sources, destination and last success (in the NAS's own time zone),
/// whether a destination is off site, and the integrity-check lines of its log as findings.
/// </summary>
internal sealed class HyperBackupReader(SynologyEndpoint endpoint, DsmSession session, TimeProvider time)
{
    private static readonly Dictionary<string, string> NoParameters = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<BackupTask>> TasksAsync(NasFacts nas, List<string> findings, CancellationToken cancellationToken)
    {
        var system = await session.CallAsync(
            "SYNO.Core.System",
            "info",
            1,
            NoParameters,
            (a, p, f, ct) => a.SystemInfoAsync(p, f, ct),
            cancellationToken
        );
        var (offset, clockProblem) = NasTime.Offset(system.Time, system.TimeZoneDesc, time.GetUtcNow());
        if (clockProblem is not null)
        {
            findings.Add($"{endpoint.Name}: {clockProblem}");
        }

        var list = await session.CallAsync(
            "SYNO.Backup.Task",
            "list",
            1,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["additional"] = "[\"last_bkp_time\",\"last_bkp_result\",\"get_source\"]" },
            (a, p, f, ct) => a.BackupTasksAsync(p, f, ct),
            cancellationToken
        );
        var tasks = new List<BackupTask>();
        foreach (var t in list.TaskList ?? [])
        {
            if (t.TaskId is not { } id)
            {
                continue;
            }

            // The status call is authoritative (list and status disagree on state); it alone has last_bkp_success_time.
            var status = await session.CallAsync(
                "SYNO.Backup.Task",
                "status",
                1,
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["task_id"] = id.ToString(CultureInfo.InvariantCulture),
                    ["blOnline"] = "false",
                    ["additional"] = "[\"last_bkp_time\",\"last_bkp_result\",\"last_bkp_success_time\",\"last_bkp_end_time\"]",
                },
                (a, p, f, ct) => a.BackupTaskStatusAsync(p, f, ct),
                cancellationToken
            );
            var (destination, offsite) = Classify(t.TargetType, t.TransferType);
            if (!offsite && t.TargetType == "cloud_image")
            {
                findings.Add(
                    $"Hyper Backup '{t.Name}' on {endpoint.Name} goes to {destination}, which is not counted as off site: list '{t.TargetType}:{t.TransferType}' in OffsiteDestinations if that storage is elsewhere"
                );
            }

            var usable = status.State is "backupable" or null;
            if (!usable)
            {
                findings.Add($"Hyper Backup '{t.Name}' on {endpoint.Name} is {status.State} (last result {status.LastResult})");
            }
            else if (status.LastResult is "failed" or "partial" or "cksum_failed" or "dest_missing" or "failed_checking")
            {
                findings.Add($"Hyper Backup '{t.Name}' on {endpoint.Name}: last run {status.LastResult}");
            }

            tasks.Add(
                new BackupTask(
                    t.Name ?? id.ToString(CultureInfo.InvariantCulture),
                    (t.Source?.FileList ?? []).Where(s => s.Missing != true).Select(s => s.FullPath).OfType<string>().ToList(),
                    destination,
                    offsite,
                    usable,
                    NasTime.Parse(status.LastSuccessTime, offset)
                )
            );
        }

        try
        {
            await IntegrityAsync(findings, cancellationToken);
        }
        catch (DsmApiException ex) when (ex.Kind != DsmErrorKind.SessionLost)
        {
            findings.Add($"Hyper Backup log of {endpoint.Name} not readable (integrity checks unknown): {ex.Message}");
        }

        return tasks;
    }

    /// <summary>
    /// Only the recorded shapes are named (fixtures: <c>image_local</c>, <c>image_remote</c>, <c>google_drive</c>,
    /// <c>synocloud_swift</c>); an S3 target may be a MinIO on the LAN, so only Synology C2 is off site by default and
    /// every other destination only when configured (<see cref="SynologyEndpoint.OffsiteDestinations"/>).
    /// </summary>
    private (string Destination, bool Offsite) Classify(string? target, string? transfer)
    {
        var raw = $"{target}:{transfer}";
        var declared = endpoint.OffsiteDestinations.Contains(raw) || (transfer is not null && endpoint.OffsiteDestinations.Contains(transfer));
        return (target, transfer) switch
        {
            ("cloud_image", "synocloud_swift") => ("Synology C2", true),
            (_, "image_remote") => ("remote Synology", declared || endpoint.RemoteVaultOffsite),
            (_, "image_local") => ("local folder/USB", declared),
            _ => (raw, declared),
        };
    }

    /// <summary>Integrity checks only leave lines in the Hyper Backup log; failures become findings.</summary>
    private async Task IntegrityAsync(List<string> findings, CancellationToken cancellationToken)
    {
        if (!await session.HasAsync("SYNO.SDS.Backup.Client.Common.Log", cancellationToken))
        {
            return;
        }

        var log = await session.CallAsync(
            "SYNO.SDS.Backup.Client.Common.Log",
            "list",
            1,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["offset"] = "0",
                ["limit"] = "50",
                ["filter_keyword"] = "Backup integrity check",
            },
            (a, p, f, ct) => a.BackupLogAsync(p, f, ct),
            cancellationToken
        );
        foreach (
            var line in (log.LogList ?? []).Where(l =>
                l.Event is { } e && (e.Contains("broken", StringComparison.OrdinalIgnoreCase) || e.Contains("Failed", StringComparison.Ordinal))
            )
        )
        {
            findings.Add($"{endpoint.Name} {line.Time}: {line.Event}");
        }
    }
}
