using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Sync;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Proxmox.Tests.Gateways;

/// <summary>
/// The drill doctor and preflight against PVE 8+'s SDN.Use checks (pve-guest-common <c>check_vnet_access</c>): a NIC
/// on an SDN vnet needs SDN.Use in the vnet's zone, not in localnetwork; containers need a target with rootdir.
/// </summary>
public sealed class DrillDoctorTests
{
    private static readonly DrillSettings Settings = new()
    {
        Cluster = "homelab",
        Node = "pve2",
        TargetStorage = "local-zfs",
        Range = new VmidRange(9900, 9999),
    };

    /// <summary>
    /// Guest 101 on vnet1 (zone1); the drill token holds SDN.Use only in localnetwork, as the older docs granted, and
    /// (when <paramref name="auditZone"/>) SDN.Audit in zone1, so it sees the vnet.
    /// </summary>
    private static LabScenario OnVnetWithLocalnetworkGrant(LabScenario s) => OnVnet(s, auditZone: true);

    private static LabScenario OnVnet(LabScenario s, bool auditZone) =>
        s with
        {
            Clusters =
            [
                .. s.Clusters.Select(c =>
                    c.Name != "homelab"
                        ? c
                        : c with
                        {
                            Vnets = [new VnetSpec("vnet1", "zone1")],
                            Guests =
                            [
                                .. c.Guests.Select(g =>
                                    g.Vmid != 101
                                        ? g
                                        : g with
                                        {
                                            Disks = new Dictionary<string, string>(g.Disks) { ["net0"] = "virtio=BC:24:11:00:01:01,bridge=vnet1" },
                                        }
                                ),
                            ],
                            Roles = new Dictionary<string, List<string>>(c.Roles)
                            {
                                ["SelfHostSyncDrillRead"] = [.. c.Roles["SelfHostSyncDrillRead"].Where(p => p is not ("SDN.Use" or "SDN.Audit"))],
                                ["SdnAudit"] = ["SDN.Audit"],
                            },
                            Acl =
                            [
                                .. c.Acl,
                                new AclSpec("/sdn/zones/localnetwork", "PVESDNUser", User: "selfhostsync@pve"),
                                new AclSpec("/sdn/zones/localnetwork", "PVESDNUser", Token: "selfhostsync@pve!drill"),
                                .. auditZone
                                    ?
                                    [
                                        new AclSpec("/sdn/zones/zone1", "SdnAudit", User: "selfhostsync@pve"),
                                        new AclSpec("/sdn/zones/zone1", "SdnAudit", Token: "selfhostsync@pve!drill"),
                                    ]
                                    : Array.Empty<AclSpec>(),
                            ],
                        }
                ),
            ],
        };

    [Fact]
    public async Task Diagnose_VnetOutsideGrantedZone_WarnsWithZoneGrant()
    {
        await using var fixture = await LabFixture.StartAsync(edit: OnVnetWithLocalnetworkGrant);
        using var drills = fixture.DrillConnection();

        var found = await drills.DiagnoseAsync(Settings, CancellationToken.None);

        var warning = Assert.Single(found, d => d.Message.Contains("may not use /sdn", StringComparison.Ordinal));
        Assert.Equal(DiagnosisLevel.Warning, warning.Level);
        Assert.Contains("/sdn/zones/zone1/vnet1", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/sdn/zones/localnetwork", warning.Message, StringComparison.Ordinal);
        Assert.Contains(
            "pveum acl modify /sdn/zones/zone1 --users selfhostsync@pve --tokens 'selfhostsync@pve!drill' --roles PVESDNUser",
            warning.Message,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task RestoreBlockers_NicOnVnetWithoutSdnUseInItsZone_PassedOverBeforeRestore()
    {
        await using var fixture = await LabFixture.StartAsync(edit: OnVnetWithLocalnetworkGrant);
        using var drills = fixture.DrillConnection();
        var source = new ClusterGuest(101, "pve2", "qemu", "nextcloud", [], null, "running", false);

        var blockers = await drills.Cluster.RestoreBlockersAsync(source, "pve1", DrillIsolation.LinkDown, CancellationToken.None);

        Assert.Contains("net0 is on a bridge the drill token may not use (SDN.Use on /sdn/zones/zone1/vnet1)", blockers);
    }

    [Fact]
    public async Task Diagnose_NoSdnAuditOnZones_WarnsThatVnetsAreHidden()
    {
        await using var fixture = await LabFixture.StartAsync(edit: s => OnVnet(s, auditZone: false));
        using var drills = fixture.DrillConnection();

        var found = await drills.DiagnoseAsync(Settings, CancellationToken.None);

        Assert.Contains(found, d =>
            d.Level == DiagnosisLevel.Warning
            && d.Message.Contains("lacks SDN.Audit on /sdn/zones", StringComparison.Ordinal)
            && d.Message.Contains(
                "pveum acl modify /sdn/zones --users selfhostsync@pve --tokens 'selfhostsync@pve!drill' --roles PVESDNUser",
                StringComparison.Ordinal
            )
        );
    }

    [Fact]
    public async Task RestoreBlockers_NicOnVnetTheTokenCannotSee_PassedOverAsUnknownBridge()
    {
        await using var fixture = await LabFixture.StartAsync(edit: s => OnVnet(s, auditZone: false));
        using var drills = fixture.DrillConnection();
        var source = new ClusterGuest(101, "pve2", "qemu", "nextcloud", [], null, "running", false);

        var blockers = await drills.Cluster.RestoreBlockersAsync(source, "pve1", DrillIsolation.LinkDown, CancellationToken.None);

        Assert.Contains("net0 is on 'vnet1', neither a bridge of the restore node nor an SDN vnet the drill token may audit", blockers);
    }

    [Fact]
    public async Task Diagnose_DemoLab_ListsTheGuestsDrillsWouldPassOverWithWhy()
    {
        // The demo's 121 is a privileged container with a bind mount: only root@pam may restore it.
        await using var fixture = await LabFixture.StartAsync();
        using var drills = fixture.DrillConnection();

        var found = await drills.DiagnoseAsync(Settings, CancellationToken.None);

        var warning = Assert.Single(found, d => d.Message.Contains("would be passed over", StringComparison.Ordinal));
        Assert.Contains("121 (", warning.Message, StringComparison.Ordinal);
        Assert.Contains("bind mount 'mp0' can only be restored by root@pam", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("101 (", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TargetSpace_LabStorage_FiguresOfStorageStatusAndTheArchiveSize()
    {
        await using var fixture = await LabFixture.StartAsync(edit: s =>
            s with
            {
                Clusters =
                [
                    .. s.Clusters.Select(c =>
                        c.Name != "homelab"
                            ? c
                            : c with
                            {
                                Storages = [.. c.Storages.Select(st => st.Storage != "local-zfs" ? st : st with { TotalGiB = 200, UsedGiB = 150 })],
                            }
                    ),
                ],
            }
        );
        using var drills = fixture.DrillConnection();
        var source = new ClusterGuest(101, "pve2", "qemu", "nextcloud", [], null, "running", false);

        var space = await drills.Cluster.TargetSpaceAsync("pve1", "local-zfs", CancellationToken.None);
        var archive = await drills.Cluster.NewestBackupAsync(source, "pve1", CancellationToken.None);

        Assert.Equal((200L << 30, 50L << 30, true), (space.Total, space.Available, space.Active));
        Assert.True(archive?.Size > 0);
        Assert.Contains(
            "has 50.0 GiB free of 200.0 GiB",
            DrillSpace.Refusal(archive! with { Size = 40L << 30 }, "local-zfs", space, 0.10),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task Diagnose_TargetWithoutRootdir_WarnsThatContainersCannotBeDrilled()
    {
        await using var fixture = await LabFixture.StartAsync(edit: s =>
            s with
            {
                Clusters =
                [
                    .. s.Clusters.Select(c =>
                        c.Name != "homelab"
                            ? c
                            : c with
                            {
                                Storages = [.. c.Storages.Select(st => st.Storage != "local-zfs" ? st : st with { Content = "images" })],
                            }
                    ),
                ],
            }
        );
        using var drills = fixture.DrillConnection();

        var found = await drills.DiagnoseAsync(Settings, CancellationToken.None);

        Assert.Contains(found, d =>
            d.Level == DiagnosisLevel.Warning && d.Message.Contains("no container volumes (content rootdir)", StringComparison.Ordinal)
        );
    }

    [Theory]
    [InlineData(1, "Ok", "protected backups allowed per guest: nas-dumps 5, pbs 5, pbs-offsite 5")]
    [InlineData(5, "Warning", "PVE allows too few protected backups per guest on nas-dumps 5, pbs 5, pbs-offsite 5; KeepProven 5 needs 6")]
    public async Task Diagnose_ProtectProven_PveLimitOfProtectedBackupsPerGuestAgainstKeepProven(int keep, string level, string text)
    {
        await using var fixture = await LabFixture.StartAsync();
        using var drills = fixture.DrillConnection();

        var found = await drills.DiagnoseAsync(Settings with { Node = "pve1", KeepProven = keep }, CancellationToken.None);

        var line = Assert.Single(found, d => d.Message.StartsWith("ProtectProven:", StringComparison.Ordinal));
        Assert.Equal(level, line.Level.ToString());
        Assert.Contains(text, line.Message, StringComparison.Ordinal);
    }
}
