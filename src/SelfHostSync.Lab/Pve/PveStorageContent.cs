using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Pve;

/// <summary>Storage content as PVE lists it: vzdump files on file storages, snapshots on PBS storages.</summary>
internal sealed class PveStorageContent(PveClusterState s)
{
    public List<object> Of(StorageSpec storage, string node, string? content)
    {
        if (content is not null and not "backup")
        {
            return [];
        }

        if (storage.Type == "pbs")
        {
            return PbsContentOf(storage);
        }

        // A storage that is not shared has a directory per node: each node lists its own files.
        return s
            .Spec.Dumps.Where(d => d.Storage == storage.Storage && (storage.Shared || d.Node is null || d.Node == node))
            .Select(d =>
            {
                var time = s.Now - TimeSpan.FromHours(d.AgeHours);
                var local = time.UtcDateTime.ToString("yyyy_MM_dd-HH_mm_ss", CultureInfo.InvariantCulture);
                var ext = d.Type == "lxc" ? "tar.zst" : "vma.zst";
                var volid = $"{storage.Storage}:backup/vzdump-{d.Type}-{d.Vmid}-{local}.{ext}";
                var item = new Dictionary<string, object?>
                {
                    ["volid"] = volid,
                    ["vmid"] = d.Vmid,
                    ["format"] = ext,
                    ["size"] = 2147483648L,
                    ["ctime"] = time.ToUnixTimeSeconds(),
                    ["content"] = "backup",
                    ["subtype"] = d.Type,
                };
                if (s.DumpProtection.TryGetValue(volid, out var flag) ? flag : d.Protected)
                {
                    item["protected"] = 1;
                }

                return (object)item;
            })
            .ToList();
    }

    /// <summary>A PBS storage as PVE lists it: the linked datastore namespace's snapshots, volid <c>storage:backup/vm/100/…Z</c>.</summary>
    private List<object> PbsContentOf(StorageSpec storage)
    {
        var pbs = storage.BackupServer is null ? null : s.BackupServer(storage.BackupServer);
        if (pbs is null)
        {
            return [];
        }

        return pbs
            .Snapshots.Where(x => x.Datastore == storage.Datastore && x.Namespace == (storage.Namespace ?? string.Empty))
            .Select(x =>
            {
                var stamp = DateTimeOffset.FromUnixTimeSeconds(x.Time).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                var item = new Dictionary<string, object?>
                {
                    ["volid"] = $"{storage.Storage}:backup/{x.Type}/{x.Id}/{stamp}",
                    // PBSPlugin list_volumes: `size => $item->{size} // 1`, so a backup still running is 1 byte.
                    ["vmid"] = x.Id,
                    ["format"] = $"pbs-{x.Type}",
                    ["size"] = x.InProgress ? 1 : 34359738880L,
                    ["ctime"] = x.Time,
                    ["content"] = "backup",
                    ["subtype"] = x.Type == "ct" ? "lxc" : "qemu",
                };
                if (x.Verification is not null && !x.InProgress)
                {
                    item["verification"] = new
                    {
                        state = x.Verification,
                        upid = "UPID:pbs:0000A1B2:0012C3D4:00000000:00000000:verificationjob::root@pam:",
                    };
                }

                if (x.Protected)
                {
                    item["protected"] = 1;
                }

                if (x.Encrypted && !x.InProgress)
                {
                    item["encrypted"] = "bb:7c:1f:2e:09:44:aa:51:3d:8e:60:12:fe:c4:77:91:05:2a:b8:3c:de:11:9f:42:70:66:e3:0d:5b:a1:c9:28";
                }

                return (object)item;
            })
            .ToList();
    }
}
