using System.Globalization;

namespace SelfHostSync.Lab.Scenario;

/// <summary>An estate size for benchmarks (issue 7).</summary>
/// <param name="Name">homelab, business or large.</param>
/// <param name="Clusters">PVE clusters.</param>
/// <param name="GuestsPerCluster">Guests in each cluster.</param>
/// <param name="NodesPerCluster">Nodes in each cluster.</param>
/// <param name="BackupServers">PBS servers.</param>
/// <param name="DatastoresPerServer">Datastores on each PBS.</param>
/// <param name="NamespacesPerDatastore">Namespaces in each datastore.</param>
/// <param name="SnapshotsPerGuest">Snapshots kept of every guest.</param>
public sealed record EstateSize(
    string Name,
    int Clusters,
    int GuestsPerCluster,
    int NodesPerCluster,
    int BackupServers,
    int DatastoresPerServer,
    int NamespacesPerDatastore,
    int SnapshotsPerGuest
)
{
    public static EstateSize Homelab { get; } = new("homelab", 1, 30, 3, 1, 1, 1, 100);

    public static EstateSize Business { get; } = new("business", 1, 300, 5, 1, 2, 2, 100);

    public static EstateSize Large { get; } = new("large", 3, 1000, 8, 2, 2, 2, 100);

    public static EstateSize? Parse(string name) =>
        name.ToLowerInvariant() switch
        {
            "homelab" => Homelab,
            "business" => Business,
            "large" => Large,
            _ => null,
        };

    public int Guests => Clusters * GuestsPerCluster;

    public int Snapshots => Guests * SnapshotsPerGuest;
}

/// <summary>
/// Generates a lab estate of a given size: every cluster's guests spread over its nodes and over the PBS
/// datastores/namespaces (each namespace linked by one PVE storage), a mix of intents and evidence so that the
/// checks and tag plans do real work, and one Synology with an NFS share and a Hyper Backup task to C2.
/// </summary>
public static class EstateGenerator
{
    public const string TokenId = "selfhostsync@pve!bench";
    public const string PbsTokenId = "selfhostsync@pbs!bench";
    public const string Secret = "bench-secret-0000";

    public static LabScenario Create(EstateSize size)
    {
        var locations = new List<(string Server, string Datastore, string Namespace)>();
        for (var s = 0; s < size.BackupServers; s++)
        {
            for (var d = 0; d < size.DatastoresPerServer; d++)
            {
                for (var n = 0; n < size.NamespacesPerDatastore; n++)
                {
                    locations.Add(($"pbs{s + 1}", $"store{d + 1}", $"ns{n + 1}"));
                }
            }
        }

        var clusters = new List<ClusterSpec>();
        var snapshots = locations.ToDictionary(l => l, _ => new List<SnapshotSpec>());
        for (var c = 0; c < size.Clusters; c++)
        {
            var name = $"cluster{c + 1}";
            var nodes = Enumerable.Range(1, size.NodesPerCluster).Select(i => $"{name}-n{i}").ToList();
            var storages = new List<StorageSpec>
            {
                new() { Storage = "local-zfs", Type = "zfspool" },
            };
            storages.AddRange(
                locations.Select(
                    (l, i) =>
                        new StorageSpec
                        {
                            Storage = $"pbs-{i + 1}",
                            Type = "pbs",
                            Content = "backup",
                            BackupServer = l.Server,
                            Datastore = l.Datastore,
                            Namespace = $"{name}/{l.Namespace}",
                            Shared = true,
                        }
                )
            );
            storages.Add(
                new StorageSpec
                {
                    Storage = "nas-dumps",
                    Type = "nfs",
                    Content = "backup",
                    Server = "nas.lan",
                    Export = "/volume1/dumps",
                    Shared = true,
                }
            );

            var guests = new List<GuestSpec>();
            for (var g = 0; g < size.GuestsPerCluster; g++)
            {
                var vmid = 100 + g;
                var kind = g % 10;
                guests.Add(
                    new GuestSpec
                    {
                        Vmid = vmid,
                        Type = g % 3 == 0 ? "lxc" : "qemu",
                        Name = string.Create(CultureInfo.InvariantCulture, $"guest-{vmid}"),
                        Node = nodes[g % nodes.Count],
                        Tags = kind switch
                        {
                            0 or 1 or 2 => "prod",
                            3 or 4 => "lab",
                            _ => null,
                        },
                        OnBoot = kind is 0 or 1 or 5 or 6,
                        Protection = kind is 0,
                        Description = kind == 9 ? null : "Rebuild: see the runbook",
                        Disks = new Dictionary<string, string> { ["scsi0"] = $"local-zfs:vm-{vmid}-disk-0,size=32G" },
                    }
                );

                // Four in five guests are backed up, to one PBS location chosen by vmid.
                if (kind != 8 && kind != 7)
                {
                    var location = locations[g % locations.Count];
                    snapshots[location]
                        .Add(
                            new SnapshotSpec
                            {
                                Datastore = location.Datastore,
                                Namespace = $"{name}/{location.Namespace}",
                                Type = g % 3 == 0 ? "ct" : "vm",
                                Id = vmid,
                                AgeHours = 3 + (g % 20),
                                Verification = g % 4 == 0 ? null : "ok",
                                Count = size.SnapshotsPerGuest,
                            }
                        );
                }
            }

            clusters.Add(
                new ClusterSpec
                {
                    Name = name,
                    Nodes = nodes,
                    Tokens =
                    [
                        new TokenSpec(
                            TokenId,
                            Secret,
                            ["VM.Audit", "VM.Config.Options", "Sys.Audit", "Datastore.Audit", "Pool.Audit", "VM.Backup", "Datastore.AllocateSpace"]
                        ),
                    ],
                    Storages = storages,
                    Guests = guests,
                    BackupJobs =
                    [
                        new JobSpec
                        {
                            Id = "nightly",
                            Schedule = "02:00",
                            Storage = "pbs-1",
                            All = true,
                            Exclude = "107,108",
                        },
                    ],
                }
            );
        }

        var servers = Enumerable
            .Range(1, size.BackupServers)
            .Select(s => new BackupServerSpec
            {
                Name = $"pbs{s}",
                Tokens = [new TokenSpec(PbsTokenId, Secret, ["Datastore.Audit", "Sys.Audit"])],
                Datastores =
                [
                    .. Enumerable
                        .Range(1, size.DatastoresPerServer)
                        .Select(d => new DatastoreSpec(
                            $"store{d}",
                            [
                                .. clusters
                                    .SelectMany(c =>
                                        Enumerable.Range(1, size.NamespacesPerDatastore).SelectMany(n => new[] { c.Name, $"{c.Name}/ns{n}" })
                                    )
                                    .Distinct(StringComparer.Ordinal),
                            ]
                        )),
                ],
                Snapshots = [.. snapshots.Where(kv => kv.Key.Server == $"pbs{s}").SelectMany(kv => kv.Value)],
                VerifyJobs =
                [
                    .. Enumerable.Range(1, size.DatastoresPerServer).Select(d => new PbsJobSpec { Id = $"verify-{d}", Store = $"store{d}" }),
                ],
            })
            .ToList();

        return new LabScenario
        {
            Clusters = clusters,
            BackupServers = servers,
            Synology =
            [
                new SynologySpec
                {
                    Name = "nas",
                    Password = Secret,
                    Shares = [new NasShareSpec("dumps", "/volume1")],
                    HyperBackupTasks =
                    [
                        new HyperBackupSpec
                        {
                            Id = 1,
                            Name = "dumps to C2",
                            Sources = ["/volume1/dumps"],
                            LastSuccessAgeHours = 5,
                        },
                    ],
                },
            ],
        };
    }
}
