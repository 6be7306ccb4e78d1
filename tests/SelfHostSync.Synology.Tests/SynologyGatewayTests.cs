using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Sync;
using SelfHostSync.Http;
using SelfHostSync.Lab;
using SelfHostSync.Lab.Dsm;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;
using SelfHostSync.Synology.Gateways;
using SelfHostSync.Synology.Http;

namespace SelfHostSync.Synology.Tests;

/// <summary>The DSM client and gateway against the Lab's DSM simulator.</summary>
public sealed class SynologyGatewayTests
{
    private static readonly StorageRef[] HomelabStorages =
    [
        new("homelab", "nas-dumps", "nfs", "nas.lan", "/volume1/proxmox-dumps", null, null),
        new("homelab", "nas-vms", "nfs", "nas.lan", "/volume2/proxmox-vms", null, null),
        new("homelab", "local-zfs", "zfspool", null, null, null, null),
    ];

    private static async Task<(LabHost Lab, DsmSimulator Nas)> StartAsync(Func<SynologySpec, SynologySpec>? edit = null)
    {
        var lab = await DemoLab.StartAsync(scenario =>
            scenario with
            {
                Clusters = [],
                BackupServers = [],
                Synology = [.. scenario.Synology.Select(s => edit is null ? s : edit(s))],
            }
        );
        return (lab, lab.Nas("nas"));
    }

    private static SynologyEndpoint Endpoint(DsmSimulator nas, string? password = null, string? deviceId = null) =>
        new(
            "nas",
            nas.Server.Url,
            "selfhostsync",
            password ?? nas.Spec.Password,
            "selfhostsync",
            deviceId,
            Fingerprints.Normalize(nas.Server.Fingerprint)
        );

    private static NasGateways Gateways(SynologyEndpoint endpoint, params StorageRef[] storages) =>
        NasGateways.For([endpoint], new FixedStorageDirectory(storages.Length == 0 ? HomelabStorages : storages));

    [Fact]
    public async Task Collect_DemoNas_HealthPerStorageAndC2ReplicaOfTheDumpShare()
    {
        var (lab, nas) = await StartAsync();
        await using (lab)
        {
            var gateways = Gateways(Endpoint(nas));
            var batch = await gateways.Sources[0].CollectAsync(CancellationToken.None);

            Assert.Empty(batch.Gaps);
            var replica = Assert.Single(batch.Replicas);
            Assert.Equal(("homelab", "nas-dumps"), (replica.Cluster, replica.StorageId));
            Assert.Contains("Synology C2", replica.Via, StringComparison.Ordinal);
            Assert.InRange(DateTimeOffset.UtcNow - replica.CompletedAt, TimeSpan.FromHours(5.9), TimeSpan.FromHours(6.1));
            Assert.True(batch.StorageHealth.Single(h => h.StorageId == "nas-dumps").Healthy);
            var vms = batch.StorageHealth.Single(h => h.StorageId == "nas-vms");
            Assert.False(vms.Healthy);
            Assert.Contains("degraded", vms.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain(batch.StorageHealth, h => h.StorageId == "local-zfs");

            await gateways.DisposeAsync();
            Assert.Equal(0, nas.ActiveSessions);
        }
    }

    [Fact]
    public async Task Collect_WrongPassword_RefusedOnceAndNeverRetried()
    {
        var (lab, nas) = await StartAsync();
        await using (lab)
        {
            await using var gateways = Gateways(Endpoint(nas, password: "wrong-password-123"));

            var first = await gateways.Sources[0].CollectAsync(CancellationToken.None);
            var second = await gateways.Sources[0].CollectAsync(CancellationToken.None);

            Assert.Equal(1, nas.FailedLogins);
            var reason = first.Gaps[0].Reason;
            Assert.Contains("incorrect password (400)", reason, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-password-123", reason, StringComparison.Ordinal);
            Assert.Contains(first.Gaps, g => g.Scope is { Kind: EvidenceKind.StorageHealth, Cluster: "homelab" });
            Assert.NotEmpty(second.Gaps);
        }
    }

    [Fact]
    public async Task Collect_SessionExpiredBetweenPasses_LogsInAgainOnce()
    {
        var (lab, nas) = await StartAsync();
        await using (lab)
        {
            await using var gateways = Gateways(Endpoint(nas));
            Assert.Empty((await gateways.Sources[0].CollectAsync(CancellationToken.None)).Gaps);

            nas.ExpireSessions();
            var again = await gateways.Sources[0].CollectAsync(CancellationToken.None);

            Assert.Empty(again.Gaps);
            Assert.Equal(2, nas.Logins);
        }
    }

    [Fact]
    public async Task Collect_SessionExpiresMidPass_LogsInAgainOnceAndCompletes()
    {
        var (lab, nas) = await StartAsync();
        await using (lab)
        {
            await using var gateways = Gateways(Endpoint(nas));
            nas.ExpireSessionsAfter(2);

            var batch = await gateways.Sources[0].CollectAsync(CancellationToken.None);

            Assert.Empty(batch.Gaps);
            Assert.Single(batch.Replicas);
            Assert.Equal(2, nas.Logins);
        }
    }

    [Fact]
    public async Task Collect_TwoFactorWithoutDevice_ClearErrorThenEnrolledDeviceLogsInWithoutCode()
    {
        var (lab, nas) = await StartAsync(s => s with { Otp = "424242" });
        await using (lab)
        {
            await using (var plain = Gateways(Endpoint(nas)))
            {
                var refused = await plain.Sources[0].CollectAsync(CancellationToken.None);
                Assert.Contains("two-factor authentication code required (403)", refused.Gaps[0].Reason, StringComparison.Ordinal);
                Assert.Contains("--synology-otp", refused.Gaps[0].Reason, StringComparison.Ordinal);
            }

            EnrolledDevice device;
            await using (var enrolling = Gateways(Endpoint(nas)))
            {
                device = await enrolling.Enrolment.EnrolAsync("nas", "424242", CancellationToken.None);
            }

            Assert.Equal("selfhostsync", device.DeviceName);
            await using var trusted = Gateways(Endpoint(nas, deviceId: device.DeviceId));
            Assert.Empty((await trusted.Sources[0].CollectAsync(CancellationToken.None)).Gaps);
        }
    }

    [Fact]
    public async Task Collect_NotAdministrator_PermissionGapNamesTheGroup()
    {
        var (lab, nas) = await StartAsync(s => s with { Admin = false });
        await using (lab)
        {
            await using var gateways = Gateways(Endpoint(nas));

            var batch = await gateways.Sources[0].CollectAsync(CancellationToken.None);

            Assert.Contains("administrators group", batch.Gaps[0].Reason, StringComparison.Ordinal);
            Assert.Equal(1, nas.Logins);
        }
    }

    [Fact]
    public async Task Collect_HyperBackupNotInstalled_FindingNotFailure()
    {
        var (lab, nas) = await StartAsync(s => s with { HyperBackupInstalled = false });
        await using (lab)
        {
            await using var gateways = Gateways(Endpoint(nas));

            var batch = await gateways.Sources[0].CollectAsync(CancellationToken.None);

            Assert.Empty(batch.Gaps);
            Assert.Empty(batch.Replicas);
            Assert.Contains(batch.Findings, f => f.Contains("Hyper Backup is not installed", StringComparison.Ordinal));
            Assert.Equal(2, batch.StorageHealth.Count);
        }
    }

    [Fact]
    public async Task Collect_NasDown_GapsOnlyForClustersUsingANas()
    {
        var (lab, nas) = await StartAsync();
        await using (lab)
        {
            nas.Server.Faults.Down = true;
            await using var gateways = Gateways(
                Endpoint(nas),
                [.. HomelabStorages, new StorageRef("rented", "local", "dir", null, null, null, null)]
            );

            var batch = await gateways.Sources[0].CollectAsync(CancellationToken.None);

            Assert.Contains(batch.Gaps, g => g.Scope is { Kind: EvidenceKind.Replicas, Cluster: "homelab" });
            Assert.DoesNotContain(batch.Gaps, g => g.Scope.Cluster == "rented");
            Assert.Contains("HTTP 503", batch.Gaps[0].Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Collect_NasHiccupsTwice_RetriedWithoutAGap()
    {
        var (lab, nas) = await StartAsync();
        await using (lab)
        {
            nas.Server.Faults.Hiccups = 2;
            await using var gateways = Gateways(Endpoint(nas));

            var batch = await gateways.Sources[0].CollectAsync(CancellationToken.None);

            Assert.Empty(batch.Gaps);
            Assert.Single(batch.Replicas);
            Assert.Equal(0, nas.Server.Faults.Hiccups);
        }
    }

    [Fact]
    public async Task Collect_NasHiccupsPastTheRetries_GapNamesTheStatus()
    {
        var (lab, nas) = await StartAsync();
        await using (lab)
        {
            nas.Server.Faults.Hiccups = NasGateways.Fast.MaxRetries + 1;
            await using var gateways = Gateways(Endpoint(nas));

            var batch = await gateways.Sources[0].CollectAsync(CancellationToken.None);

            Assert.Contains("HTTP 503", batch.Gaps[0].Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Collect_NasSlowerThanItsTimeout_GapsOnlyForClustersUsingANas()
    {
        var (lab, nas) = await StartAsync();
        await using (lab)
        {
            nas.Server.Faults.Latency = TimeSpan.FromSeconds(2);
            await using var gateways = Gateways(
                Endpoint(nas) with
                {
                    Timeout = TimeSpan.FromMilliseconds(200),
                },
                [.. HomelabStorages, new StorageRef("rented", "local", "dir", null, null, null, null)]
            );

            var batch = await gateways.Sources[0].CollectAsync(CancellationToken.None);

            Assert.Contains(batch.Gaps, g => g.Scope is { Kind: EvidenceKind.Replicas, Cluster: "homelab" });
            Assert.DoesNotContain(batch.Gaps, g => g.Scope.Cluster == "rented");
            Assert.Contains("timed out", batch.Gaps[0].Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Collect_NasRefusesConnections_GapNamesTheTransportError()
    {
        var (lab, nas) = await StartAsync();
        var endpoint = Endpoint(nas);
        await lab.DisposeAsync();
        await using var gateways = Gateways(endpoint);

        var batch = await gateways.Sources[0].CollectAsync(CancellationToken.None);

        Assert.Contains(batch.Gaps, g => g.Scope is { Kind: EvidenceKind.Replicas, Cluster: "homelab" });
        Assert.Contains("refused", batch.Gaps[0].Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Collect_RemoteVaultNotDeclaredOffsite_NoReplica()
    {
        var (lab, nas) = await StartAsync(s =>
            s with
            {
                HyperBackupTasks =
                [
                    new HyperBackupSpec
                    {
                        Id = 9,
                        Name = "to the other NAS",
                        Sources = ["/volume1/proxmox-dumps"],
                        TargetType = "image",
                        TransferType = "image_remote",
                        LastSuccessAgeHours = 2,
                    },
                ],
            }
        );
        await using (lab)
        {
            await using var plain = Gateways(Endpoint(nas));
            Assert.Empty((await plain.Sources[0].CollectAsync(CancellationToken.None)).Replicas);

            await using var declared = Gateways(Endpoint(nas) with { RemoteVaultOffsite = true });
            Assert.Contains(
                "remote Synology",
                Assert.Single((await declared.Sources[0].CollectAsync(CancellationToken.None)).Replicas).Via,
                StringComparison.Ordinal
            );
        }
    }

    [Theory]
    [InlineData("failing", false, false, "Drive 2: SMART failing")]
    [InlineData("normal", true, false, "Drive 2: bad sectors above the threshold")]
    [InlineData("normal", false, true, "Drive 2: remaining life below the threshold")]
    public async Task Collect_DiskOfThePoolFailing_StorageUnhealthyNamingTheDisk(string smart, bool badSectors, bool lowLife, string detail)
    {
        var (lab, nas) = await StartAsync(s =>
            s with
            {
                Pools =
                [
                    .. s.Pools.Select(p =>
                        p.Id != "reuse_1"
                            ? p
                            : p with
                            {
                                Disks = [new NasDiskSpec("sata1", "Drive 1"), new NasDiskSpec("sata2", "Drive 2", smart, badSectors, lowLife)],
                            }
                    ),
                ],
            }
        );
        await using (lab)
        {
            await using var gateways = Gateways(Endpoint(nas));
            var batch = await gateways.Sources[0].CollectAsync(CancellationToken.None);

            var dumps = batch.StorageHealth.Single(h => h.StorageId == "nas-dumps");
            Assert.False(dumps.Healthy);
            Assert.Contains(detail, dumps.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Collect_S3DestinationNotDeclared_NoReplicaAndFindingSaysHowToDeclare()
    {
        // An S3 target may be a MinIO in the same rack: only C2 is off site unless the configuration says so.
        var (lab, nas) = await StartAsync(s =>
            s with
            {
                HyperBackupTasks =
                [
                    new HyperBackupSpec
                    {
                        Id = 7,
                        Name = "dumps to S3",
                        Sources = ["/volume1/proxmox-dumps"],
                        TargetType = "cloud_image",
                        TransferType = "s3",
                        LastSuccessAgeHours = 2,
                    },
                ],
            }
        );
        await using (lab)
        {
            await using var plain = Gateways(Endpoint(nas));
            var batch = await plain.Sources[0].CollectAsync(CancellationToken.None);
            Assert.Empty(batch.Replicas);
            Assert.Contains(batch.Findings, f => f.Contains("list 'cloud_image:s3' in OffsiteDestinations", StringComparison.Ordinal));

            await using var declared = Gateways(
                Endpoint(nas) with
                {
                    OffsiteDestinations = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "cloud_image:s3" },
                }
            );
            Assert.Contains(
                "cloud_image:s3",
                Assert.Single((await declared.Sources[0].CollectAsync(CancellationToken.None)).Replicas).Via,
                StringComparison.Ordinal
            );
        }
    }

    [Fact]
    public async Task Collect_AbbAndSnapshotReplicationInstalled_ShownAsFindings()
    {
        var (lab, nas) = await StartAsync(s =>
            s with
            {
                ActiveBackupTasks = new Dictionary<string, int> { ["vmware-fleet"] = 2, ["old-pc"] = 4 },
                ReplicationPlans = new Dictionary<string, string> { ["proxmox-dumps"] = "nas-dr" },
            }
        );
        await using (lab)
        {
            await using var gateways = Gateways(Endpoint(nas));

            var findings = (await gateways.Sources[0].CollectAsync(CancellationToken.None)).Findings;

            Assert.Contains(findings, f =>
                f.Contains("Active Backup for Business on nas: 2 task(s), not successful: old-pc", StringComparison.Ordinal)
            );
            Assert.Contains(findings, f =>
                f.Contains("Snapshot Replication of proxmox-dumps on nas to nas-dr: last sync succeeded", StringComparison.Ordinal)
            );
        }
    }
}
