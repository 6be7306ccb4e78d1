using SelfHostSync.Core.Drills;

namespace SelfHostSync.Core.Tests.Drills;

/// <summary>What PVE lets only root@pam restore or remove, decided before any restore (qemu-server, pve-container).</summary>
public sealed class DrillPreflightTests
{
    private static bool All(string privilege, string path) => true;

    private static bool NoSysModify(string privilege, string path) => privilege != "Sys.Modify";

    public static TheoryData<string, string, string, string?> Cases =>
        new()
        {
            { "qemu", "hookscript", "local:snippets/hook.pl", "'hookscript' can only be removed by root@pam" },
            { "qemu", "ivshmem", "size=32", "'ivshmem' can only be removed by root@pam" },
            { "qemu", "parallel0", "/dev/parport0", "'parallel0' can only be removed by root@pam" },
            { "qemu", "serial0", "/dev/ttyS0", "'serial0' is a real device, which only root@pam can remove" },
            { "qemu", "serial0", "socket", null },
            { "qemu", "hostpci0", "0000:01:00", "raw PCI passthrough 'hostpci0' can only be restored by root@pam" },
            { "qemu", "hostpci0", "mapping=gpu", null },
            { "qemu", "usb0", "host=1234:5678", "raw USB passthrough 'usb0' can only be restored by root@pam" },
            { "qemu", "usb0", "spice", null },
            { "qemu", "scsi0", "local-zfs:vm-100-disk-0", null },
            { "lxc", "dev0", "/dev/dri/renderD128", "device passthrough 'dev0' can only be removed by root@pam" },
            { "lxc", "hookscript", "local:snippets/hook.pl", "'hookscript' can only be removed by root@pam" },
            { "lxc", "mp0", "/mnt/photos,mp=/srv/photos", "bind mount 'mp0' can only be restored by root@pam" },
            { "lxc", "mp0", "local-zfs:subvol-121-disk-1,mp=/srv", null },
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Blockers_KeyOnlyRootMayTouch_NamedBeforeRestore(string type, string key, string value, string? expected)
    {
        var config = new Dictionary<string, string> { [key] = value, ["unprivileged"] = "1" };

        var blockers = DrillPreflight.Blockers(config, type, DrillIsolation.LinkDown, All, root: false);

        Assert.Equal(expected is null ? [] : [expected], blockers);
    }

    [Fact]
    public void Blockers_PrivilegedContainerWithoutSysModify_Named()
    {
        var blockers = DrillPreflight.Blockers(
            new Dictionary<string, string> { ["rootfs"] = "local-zfs:subvol-1" },
            "lxc",
            DrillIsolation.LinkDown,
            NoSysModify,
            root: false
        );

        Assert.Equal(["a privileged container: restoring one needs Sys.Modify on /"], blockers);
    }

    [Fact]
    public void Blockers_BridgeWithoutSdnUse_NamesThePathWithTag()
    {
        var config = new Dictionary<string, string> { ["net0"] = "virtio=BC:24:11:00:00:01,bridge=vmbr1,tag=20" };

        var blockers = DrillPreflight.Blockers(config, "qemu", DrillIsolation.LinkDown, (p, _) => p != "SDN.Use", root: false);

        Assert.Equal(["net0 is on a bridge the drill token may not use (SDN.Use on /sdn/zones/localnetwork/vmbr1/20)"], blockers);
    }

    public static TheoryData<string, string?, string[]> SdnCases =>
        new()
        {
            { "virtio=BC:24:11:00:00:01,bridge=vmbr0", null, ["/sdn/zones/localnetwork/vmbr0"] },
            { "virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=20", null, ["/sdn/zones/localnetwork/vmbr0/20"] },
            {
                "virtio=BC:24:11:00:00:01,bridge=vmbr0,trunks=10;20-22",
                null,
                [
                    "/sdn/zones/localnetwork/vmbr0/10",
                    "/sdn/zones/localnetwork/vmbr0/20",
                    "/sdn/zones/localnetwork/vmbr0/21",
                    "/sdn/zones/localnetwork/vmbr0/22",
                ]
            },
            { "name=eth0,bridge=vnet1,ip=dhcp", "zone1", ["/sdn/zones/zone1/vnet1"] },
            { "virtio=BC:24:11:00:00:01", null, [] },
        };

    [Theory]
    [MemberData(nameof(SdnCases))]
    public void SdnPaths_NicOnBridgeOrVnet_PathsPveChecks(string net, string? zone, string[] expected) =>
        Assert.Equal(expected, DrillPreflight.SdnPaths(net, b => b == "vnet1" ? zone : null));

    [Theory]
    [InlineData("hostpci0", "mapping=gpu,pcie=1", "/mapping/pci/gpu")]
    [InlineData("usb1", "mapping=zigbee", "/mapping/usb/zigbee")]
    [InlineData("rng0", "source=/dev/hwrng", "/mapping/hwrng")]
    [InlineData("rng0", "source=/dev/urandom", null)]
    [InlineData("virtiofs0", "media,cache=always", "/mapping/dir/media")]
    [InlineData("virtiofs0", "dirid=media", "/mapping/dir/media")]
    public void Blockers_MappedResourceWithoutMappingUse_Named(string key, string value, string? path)
    {
        var blockers = DrillPreflight.Blockers(
            new Dictionary<string, string> { [key] = value },
            "qemu",
            DrillIsolation.LinkDown,
            (p, _) => p != "Mapping.Use",
            root: false
        );

        Assert.Equal(path is null ? [] : [$"'{key}' uses a resource mapping the drill token may not use (Mapping.Use on {path})"], blockers);
    }

    [Fact]
    public void Blockers_NicOnVnetWithoutSdnUseInItsZone_NamesTheZonePath()
    {
        var config = new Dictionary<string, string> { ["net0"] = "virtio=BC:24:11:00:00:01,bridge=vnet1" };

        var blockers = DrillPreflight.Blockers(
            config,
            "qemu",
            DrillIsolation.LinkDown,
            (p, path) => p != "SDN.Use" || path.StartsWith("/sdn/zones/localnetwork", StringComparison.Ordinal),
            root: false,
            zoneOf: b => b == "vnet1" ? "zone1" : null
        );

        Assert.Equal(["net0 is on a bridge the drill token may not use (SDN.Use on /sdn/zones/zone1/vnet1)"], blockers);
    }

    [Fact]
    public void Blockers_RootPam_Nothing()
    {
        var config = new Dictionary<string, string> { ["hookscript"] = "local:snippets/hook.pl", ["hostpci0"] = "0000:01:00" };

        Assert.Empty(DrillPreflight.Blockers(config, "qemu", DrillIsolation.LinkDown, (_, _) => false, root: true));
    }
}
