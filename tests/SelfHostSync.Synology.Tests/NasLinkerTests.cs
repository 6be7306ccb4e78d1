using SelfHostSync.Core.Sync;
using SelfHostSync.Synology.Gateways;

namespace SelfHostSync.Synology.Tests;

public sealed class NasLinkerTests
{
    private static readonly NasFacts Nas = new(
        "nas",
        new HashSet<string>(["192.168.1.20", "fd00::20"], StringComparer.OrdinalIgnoreCase),
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["proxmox-dumps"] = "/volume1", ["VMs"] = "/volume2" },
        [
            new NasVolume("volume_1", "/volume1", "normal", "reuse_1", "normal", 0),
            new NasVolume("volume_2", "/volume2", "normal", "reuse_2", "degraded", 1),
        ]
    );

    [Theory]
    [InlineData("nfs", "nas.lan", "/volume1/proxmox-dumps", null, null, "/volume1/proxmox-dumps")]
    [InlineData("nfs", "NAS", "/volume1/proxmox-dumps/", null, null, "/volume1/proxmox-dumps")]
    [InlineData("nfs", "192.168.1.20", "/volume1/a/b", null, null, "/volume1/a/b")]
    [InlineData("nfs", "[fd00::20]", "/volume1/x", null, null, "/volume1/x")]
    [InlineData("nfs", "127.0.0.1", "/volume1/x", null, null, "/volume1/x")]
    [InlineData("nfs", "192.168.1.21", "/volume1/x", null, null, null)]
    [InlineData("nfs", "nas-other.lan", "/volume1/x", null, null, null)]
    [InlineData("nfs", "nas.lan", "/srv/export", null, null, null)]
    [InlineData("cifs", "nas.lan", null, "vms", null, "/volume2/VMs")]
    [InlineData("cifs", "nas.lan", null, "VMs", "/pve/", "/volume2/VMs/pve")]
    [InlineData("cifs", "nas.lan", null, "nosuch", null, null)]
    [InlineData("dir", "nas.lan", "/volume1/x", null, null, null)]
    public void PathOf_Storage_LinksOnlyThisNas(string type, string server, string? export, string? share, string? subdir, string? expected) =>
        Assert.Equal(expected, NasLinker.PathOf(new StorageRef("homelab", "s", type, server, export, share, subdir), Nas, "127.0.0.1"));

    [Theory]
    [InlineData("/volume1/pve", "/volume1/pve/dump", true)]
    [InlineData("/volume1/pve/", "/volume1/pve/dump", true)]
    [InlineData("/volume1/pve", "/volume1/pve", true)]
    [InlineData("/volume1/pve", "/volume1/pve-backup/dump", false)]
    [InlineData("/volume1", "/volume1/pve/dump", true)]
    [InlineData("/volume1/pve/dump/sub", "/volume1/pve/dump", false)]
    public void Covers_PathBoundary(string folder, string path, bool expected) => Assert.Equal(expected, NasLinker.Covers(folder, path));

    [Fact]
    public void VolumeOf_DegradedPool_UnhealthyWithDetail()
    {
        var volume = NasLinker.VolumeOf("/volume2/VMs", Nas)!;

        Assert.False(volume.Healthy);
        Assert.Equal("volume_2: normal, pool reuse_2: degraded, 1 failed disks", volume.Detail);
        Assert.True(NasLinker.VolumeOf("/volume1/proxmox-dumps", Nas)!.Healthy);
        Assert.Null(NasLinker.VolumeOf("/volume3/x", Nas));
    }

    [Theory]
    [InlineData("2023/12/21 01:12", 1, "2023-12-21T00:12:00Z")]
    [InlineData("2023/12/21 01:12:30", -5, "2023-12-21T06:12:30Z")]
    [InlineData("N/A", 0, null)]
    [InlineData("", 0, null)]
    [InlineData("yesterday", 0, null)]
    public void Parse_HyperBackupLocalTime_ToUtc(string text, int offsetHours, string? expectedUtc)
    {
        var parsed = NasTime.Parse(text, TimeSpan.FromHours(offsetHours));

        Assert.Equal(expectedUtc, parsed?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void OffsetOf_NasClockAheadByAnHourPlusDrift_RoundsToAnHour()
    {
        var utc = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromHours(1), NasTime.OffsetOf("2026-11-25 13:02:10", utc));
        Assert.Equal(TimeSpan.FromHours(5.5), NasTime.OffsetOf("2026-11-25 17:29:00", utc));
        Assert.Equal(TimeSpan.Zero, NasTime.OffsetOf(null, utc));
    }
}
