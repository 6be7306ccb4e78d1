using System.Globalization;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>A finished task with its UPID and log lines.</summary>
internal sealed record LabTask(
    string Upid,
    string Node,
    string Type,
    string Id,
    string User,
    long StartTime,
    long EndTime,
    string Status,
    IReadOnlyList<string> Log
)
{
    private static int _pid = 0x1000;

    /// <summary>A console open by an operator: one <c>vncproxy</c> task, a few seconds long.</summary>
    public static LabTask Console(string node, DateTimeOffset at)
    {
        var pid = Interlocked.Increment(ref _pid);
        var start = at.ToUnixTimeSeconds() - 30;
        var upid = PveClusterState.Upid(node, pid, start, "vncproxy", "100", "admin@pam");
        return new LabTask(upid, node, "vncproxy", "100", "admin@pam", start, start + 30, "OK", ["TASK OK"]);
    }

    public static LabTask Restore(RestoreTaskSpec spec, DateTimeOffset now, ClusterSpec cluster)
    {
        var end = (now - TimeSpan.FromHours(spec.AgeHours)).ToUnixTimeSeconds();
        var start = end - 300;
        var backupTime = DateTimeOffset.FromUnixTimeSeconds(start - 86400);
        var pid = Interlocked.Increment(ref _pid);
        var type = spec.Type;
        var user = "root@pam";
        var id = spec.TargetVmid.ToString(CultureInfo.InvariantCulture);
        var log = new List<string>();
        var stamp = backupTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var fileStamp = backupTime.UtcDateTime.ToString("yyyy_MM_dd-HH_mm_ss", CultureInfo.InvariantCulture);
        var dumpStorage = cluster
            .Storages.FirstOrDefault(s => s.Type is "nfs" or "cifs" or "dir" && s.Content.Contains("backup", StringComparison.Ordinal))
            ?.Storage
            ?? "local";
        var pbs = cluster.Storages.FirstOrDefault(s => s.Type == "pbs");
        switch (spec.From)
        {
            case "pbs":
                var ns = string.IsNullOrEmpty(pbs?.Namespace) ? string.Empty : $" --ns {pbs!.Namespace}";
                log.Add($"new volume ID is 'local-zfs:vm-{spec.TargetVmid}-disk-0'");
                log.Add(
                    $"restore proxmox backup image: /usr/bin/pbs-restore --repository pve-backup@pbs!pve@127.0.0.1:{pbs?.Datastore ?? "main"}{ns} vm/{spec.SourceVmid}/{stamp} drive-scsi0.img.fidx /dev/zvol/rpool/data/vm-{spec.TargetVmid}-disk-0 --verbose --format raw --skip-zero"
                );
                log.Add($"connecting to repository 'pve-backup@pbs!pve@127.0.0.1:{pbs?.Datastore ?? "main"}'");
                log.Add($"starting to restore snapshot 'vm/{spec.SourceVmid}/{stamp}'");
                log.Add("download and verify backup index");
                break;
            case "vma":
                log.Add(
                    $"restore vma archive: zstd -q -d -c /mnt/pve/{dumpStorage}/dump/vzdump-qemu-{spec.SourceVmid}-{fileStamp}.vma.zst | vma extract -v -r /var/tmp/vzdumptmp{pid}.fifo - /var/tmp/vzdumptmp{pid}"
                );
                log.Add("DEV: dev_id=1 size: 34359738368 devname: drive-scsi0");
                break;
            default:
                var volid = $"{dumpStorage}:backup/vzdump-lxc-{spec.SourceVmid}-{fileStamp}.tar.zst";
                log.Add($"recovering backed-up configuration from '{volid}'");
                log.Add($"restoring '{volid}' now..");
                break;
        }

        log.Add(spec.Ok ? "TASK OK" : "TASK ERROR: unable to restore - disk full");
        var upid = PveClusterState.Upid(spec.Node, pid, start, type, id, user);
        return new LabTask(upid, spec.Node, type, id, user, start, end, spec.Ok ? "OK" : "unable to restore - disk full", log);
    }
}
