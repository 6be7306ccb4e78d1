using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Tests.Drills;

public sealed class DrillPlanningTests
{
    [Theory]
    [InlineData("9900-9999", true, 9900, 9999)]
    [InlineData(" 200 - 299 ", true, 200, 299)]
    [InlineData("9900", false, 0, 0)]
    [InlineData("9999-9900", false, 0, 0)]
    [InlineData("50-60", false, 0, 0)]
    [InlineData("a-b", false, 0, 0)]
    [InlineData(null, false, 0, 0)]
    public void VmidRange_TryParse_AcceptsOnlyOrderedPveVmids(string? text, bool ok, int first, int last)
    {
        Assert.Equal(ok, VmidRange.TryParse(text, out var range, out var error));
        if (ok)
        {
            Assert.Equal(new VmidRange(first, last), range);
        }
        else
        {
            Assert.NotNull(error);
        }
    }

    public static TheoryData<string, string, string, string, string> Isolations =>
        new()
        {
            // type, isolation, config key=value, expected set (key=value or -), expected delete (or -)
            {
                "qemu",
                "link-down",
                "net0=virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1",
                "net0=virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1,link_down=1",
                "-"
            },
            {
                "qemu",
                "link-down",
                "net1=virtio=BC:24:11:00:00:01,bridge=vmbr0,link_down=0",
                "net1=virtio=BC:24:11:00:00:01,bridge=vmbr0,link_down=1",
                "-"
            },
            { "qemu", "link-down", "net0=virtio=BC:24:11:00:00:01,bridge=vmbr0,link_down=1", "-", "-" },
            { "qemu", "bridge:isolated", "net0=virtio=BC:24:11:00:00:01,bridge=vmbr0", "net0=virtio=BC:24:11:00:00:01,bridge=isolated", "-" },
            { "qemu", "link-down", "hostpci0=0000:01:00,pcie=1", "-", "hostpci0" },
            { "qemu", "link-down", "usb1=host=1234:5678", "-", "usb1" },
            { "qemu", "link-down", "virtiofs0=share1", "-", "virtiofs0" },
            { "qemu", "link-down", "serial0=/dev/ttyS0", "-", "serial0" },
            { "qemu", "link-down", "serial0=socket", "-", "-" },
            { "qemu", "link-down", "hookscript=local:snippets/hook.pl", "-", "hookscript" },
            { "qemu", "link-down", "onboot=1", "-", "onboot" },
            { "qemu", "link-down", "scsi0=local-zfs:vm-9900-disk-0,size=32G", "-", "-" },
            { "lxc", "link-down", "net0=name=eth0,bridge=vmbr0,ip=dhcp", "net0=name=eth0,bridge=vmbr0,ip=dhcp,link_down=1", "-" },
            { "lxc", "link-down", "mp0=/mnt/photos,mp=/srv/photos", "-", "mp0" },
            { "lxc", "link-down", "mp1=local-zfs:subvol-9900-disk-1,mp=/data", "-", "-" },
            { "lxc", "link-down", "dev0=/dev/ttyUSB0", "-", "dev0" },
            { "lxc", "link-down", "mp2=volume=/srv/share,mp=/share,ro=1", "-", "mp2" },
            { "qemu", "link-down", "protection=1", "-", "protection" },
            { "qemu", "link-down", "protection=0", "-", "-" },
            { "qemu", "link-down", "ivshmem=size=32", "-", "ivshmem" },
            { "lxc", "link-down", "hostpci0=0000:01:00", "-", "-" },
        };

    [Theory]
    [MemberData(nameof(Isolations))]
    public void IsolationPlanner_Plan_IsolatesNetworksAndStripsHostBindings(string type, string isolation, string entry, string set, string delete)
    {
        var (key, value) = (entry[..entry.IndexOf('=', StringComparison.Ordinal)], entry[(entry.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var how = isolation.StartsWith("bridge:", StringComparison.Ordinal) ? new DrillIsolation(isolation[7..]) : DrillIsolation.LinkDown;

        var change = IsolationPlanner.Plan(new Dictionary<string, string> { [key] = value }, type, how);

        Assert.Equal(set == "-" ? [] : new[] { set }, change.Set.Select(kv => $"{kv.Key}={kv.Value}"));
        Assert.Equal(delete == "-" ? [] : new[] { delete }, change.Delete);
        var after = new Dictionary<string, string> { [key] = value };
        foreach (var (k, v) in change.Set)
        {
            after[k] = v;
        }

        foreach (var k in change.Delete)
        {
            after.Remove(k);
        }

        Assert.True(IsolationPlanner.IsIsolated(after, type, how));
    }

    [Fact]
    public void DrillCandidates_Order_NeverTestedFirstThenOldestSuccessOnlyConfiguredLevelsAndCluster()
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var settings = Settings();
        DrillCandidate C(string cluster, int vmid, Level level) => new(new GuestKey(cluster, vmid), level, null);
        RestoreTest T(int vmid, int daysAgo, bool passed) =>
            new($"t{vmid}-{daysAgo}", new GuestKey("homelab", vmid), RestoreTestKind.Task, now.AddDays(-daysAgo), passed, null, null, null);

        var ordered = DrillCandidates.Order(
            [
                C("homelab", 101, Level.Production),
                C("homelab", 102, Level.Production),
                C("homelab", 103, Level.Vps),
                C("homelab", 104, Level.Homelab),
                C("rented", 100, Level.Production),
                C("homelab", 9905, Level.Production),
                C("homelab", 105, Level.Production),
            ],
            [T(101, 10, true), T(102, 40, true), T(102, 1, false), T(105, 5, false)],
            settings
        );

        // 103 and 105 never passed (105's only test failed); then 102 (40 d) before 101 (10 d).
        Assert.Equal([103, 105, 102, 101], ordered.Select(c => c.Key.Vmid));
    }

    internal static DrillSettings Settings() =>
        new()
        {
            Cluster = "homelab",
            Node = "pve1",
            TargetStorage = "local-zfs",
            Range = new VmidRange(9900, 9999),
        };
}
