using System.Globalization;
using System.Text.RegularExpressions;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>The archive a restore task restored from, and the guest that archive belongs to.</summary>
internal sealed record RestoreSource(int Vmid, string Archive);

/// <summary>
/// Finds the source archive in a qmrestore/vzrestore task log, in all three forms: a PBS image
/// (<c>pbs-restore … vm/105/2026-11-20T03:00:00Z …</c>), a vma archive (<c>restore vma archive: zstd … vzdump-qemu-105-….vma.zst</c>),
/// and an LXC volid (<c>restoring 'nas:backup/vzdump-lxc-104-….tar.zst' now..</c>).
/// </summary>
internal static partial class RestoreLogParser
{
    public static RestoreSource? Parse(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            var pbs = PbsImage().Match(line);
            if (pbs.Success)
            {
                var ns = pbs.Groups["ns"].Success ? $" ns {pbs.Groups["ns"].Value}" : string.Empty;
                return new RestoreSource(
                    Id(pbs.Groups["id"].Value),
                    $"{pbs.Groups["repo"].Value}{ns} {pbs.Groups["kind"].Value}/{pbs.Groups["id"].Value}/{pbs.Groups["time"].Value}"
                );
            }

            var vma = VmaArchive().Match(line);
            if (vma.Success)
            {
                return new RestoreSource(Id(vma.Groups["id"].Value), vma.Groups["archive"].Value);
            }

            var lxc = LxcVolid().Match(line);
            if (lxc.Success)
            {
                var volid = lxc.Groups["volid"].Value;
                var id = VolidVmid().Match(volid);
                if (id.Success)
                {
                    return new RestoreSource(Id(id.Groups["id"].Value), volid);
                }
            }
        }

        return null;
    }

    private static int Id(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(
        @"pbs-restore\s+--repository\s+(?<repo>\S+)(?:\s+--ns\s+(?<ns>\S+))?\s+(?<kind>vm|ct)/(?<id>\d+)/(?<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"
    )]
    private static partial Regex PbsImage();

    [GeneratedRegex(@"restore vma archive:.*?(?<archive>\S*vzdump-qemu-(?<id>\d+)-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.vma(?:\.(?:zst|gz|lzo|bz2))?)")]
    private static partial Regex VmaArchive();

    [GeneratedRegex(@"(?:restoring|recovering backed-up configuration from) '(?<volid>[^']+)'")]
    private static partial Regex LxcVolid();

    [GeneratedRegex(@"(?:vzdump-(?:lxc|openvz|qemu)-(?<id>\d+)-|backup/(?:ct|vm)/(?<id>\d+)/)")]
    private static partial Regex VolidVmid();
}
