using Microsoft.Extensions.DependencyInjection;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Tags;
using SelfHostSync.Http;
using SelfHostSync.Lab;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;
using SelfHostSync.Proxmox.Gateways;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox.Tests;

/// <summary>The demo lab, and gateways pointed at it (tokens for some endpoints, ticket login for others).</summary>
internal sealed class LabFixture : IAsyncDisposable
{
    private LabFixture(LabHost lab, LabGateways gateways)
    {
        Lab = lab;
        Gateways = gateways;
    }

    public LabHost Lab { get; }

    public LabGateways Gateways { get; }

    public static async Task<LabFixture> StartAsync(
        bool tickets = false,
        Func<LabScenario, LabScenario>? edit = null,
        int concurrency = 4,
        Func<PbsServer, PbsServer?>? servers = null
    )
    {
        var lab = await DemoLab.StartAsync(edit);
        return new LabFixture(lab, GatewaysFor(lab, tickets, concurrency, servers));
    }

    /// <summary>Gateways of their own against the fixture's lab: they know nothing of earlier passes.</summary>
    /// <param name="memory">What earlier processes kept (decision 012), or nothing.</param>
    /// <param name="time">The clock the gateways read.</param>
    /// <param name="otherToken">Read PVE with each cluster's second token.</param>
    public LabGateways NewGateways(Core.Sync.ReadMemory? memory = null, TimeProvider? time = null, bool otherToken = false) =>
        GatewaysFor(Lab, tickets: false, concurrency: 4, servers: null, memory, time, otherToken);

    private static LabGateways GatewaysFor(
        LabHost lab,
        bool tickets,
        int concurrency,
        Func<PbsServer, PbsServer?>? servers,
        Core.Sync.ReadMemory? memory = null,
        TimeProvider? time = null,
        bool otherToken = false
    )
    {
        var clusters = lab
            .Clusters.Select(c => new PveCluster(
                EndpointOf(
                    ProxmoxProduct.Pve,
                    c.Name,
                    c.Server,
                    c.Spec.Tokens[otherToken && c.Spec.Tokens.Count > 1 ? 1 : 0],
                    tickets ? c.Spec.Users.FirstOrDefault() : null
                ) with
                {
                    MaxConcurrentRequests = concurrency,
                },
                HardwareOwner.Self,
                TimeSpan.FromHours(1)
            ))
            .ToList();
        var pbs = lab
            .BackupServers.Select(b => new PbsServer(
                EndpointOf(ProxmoxProduct.Pbs, b.Name, b.Server, b.Spec.Tokens[0], tickets ? b.Spec.Users.FirstOrDefault() : null) with
                {
                    MaxConcurrentRequests = concurrency,
                },
                b.Name.Contains("offsite", StringComparison.Ordinal)
            ))
            .Select(s => servers is null ? s : servers(s))
            .OfType<PbsServer>()
            .ToList();
        var services = new ServiceCollection()
            .AddSingleton(time ?? TimeProvider.System)
            .AddSingleton(memory ?? new Core.Sync.ReadMemory(null))
            .AddProxmox(
                new ProxmoxTopology(clusters, pbs),
                new ProxmoxDoctorOptions(false, TagVocabulary.Default.Names),
                new ResilienceSettings { MaxRetries = 0 }
            )
            .BuildServiceProvider();
        return new LabGateways(services);
    }

    public async Task<IReadOnlyList<Core.Evidence.EvidenceBatch>> CollectAsync() =>
        await Task.WhenAll(Gateways.Sources.Select(s => s.CollectAsync(CancellationToken.None)));

    public static ProxmoxEndpoint EndpointOf(ProxmoxProduct product, string name, LabServer server, TokenSpec token, UserSpec? user) =>
        user is null
            ? new ProxmoxEndpoint(product, name, server.Url, token.Id, token.Secret, Fingerprints.Normalize(server.Fingerprint))
            : new ProxmoxEndpoint(product, name, server.Url, user.Name, string.Empty, Fingerprints.Normalize(server.Fingerprint))
            {
                Password = user.Password,
            };

    /// <summary>Collects every source twice, writes tag changes, applies the tag style and drills: every kind of request we send.</summary>
    public async Task ExerciseAsync()
    {
        var batches = await Task.WhenAll(Gateways.Sources.Select(s => s.CollectAsync(CancellationToken.None)));
        var guest = batches.SelectMany(b => b.Guests).First(g => g.Key is { Cluster: "homelab", Vmid: 101 });
        await Gateways.TagWriter.WriteAsync(guest, new TagChange([TagVocabulary.Default[TagNames.Level3b]], []), CancellationToken.None);
        var lxc = batches.SelectMany(b => b.Guests).First(g => g.Type == GuestType.Lxc && g.Key.Cluster == "homelab");
        await Gateways.TagWriter.WriteAsync(lxc, new TagChange([TagVocabulary.Default[TagNames.Level3a]], []), CancellationToken.None);
        await Gateways.ApplyTagStyleAsync(TagVocabulary.Default, colorMap: true, register: true, CancellationToken.None);
        await CollectAsync(); // a second pass: PBS group lists, and what a steady pass reads
        await DrillAsync();
        using var drills = DrillConnection();
        var source = (await drills.Cluster.GuestsAsync(CancellationToken.None)).First(g => g.Vmid == 100);
        var archive = await drills.Cluster.NewestBackupAsync(source, "pve1", CancellationToken.None);
        await drills.Protection.IsProtectedAsync("pve1", archive!.Volid, 100, CancellationToken.None);
        await drills.Protection.SetProtectedAsync("pve1", archive.Volid, true, CancellationToken.None);
        await drills.Protection.SetProtectedAsync("pve1", archive.Volid, false, CancellationToken.None);
    }

    /// <summary>The drills' own connection to homelab (its second token), scratch range 9900–9999.</summary>
    public LabDrills DrillConnection()
    {
        var homelab = Lab.Cluster("homelab");
        var range = new VmidRange(9900, 9999);
        var cluster = new PveCluster(
            EndpointOf(ProxmoxProduct.Pve, "homelab", homelab.Server, homelab.Spec.Tokens[1], null),
            HardwareOwner.Self,
            TimeSpan.FromHours(1)
        )
        {
            ScratchRange = range,
        };
        var settings = new DrillSettings
        {
            Cluster = "homelab",
            Node = "pve1",
            TargetStorage = "local-zfs",
            Range = range,
        };
        var services = new ServiceCollection().AddProxmoxDrills(cluster, settings, new ResilienceSettings { MaxRetries = 0 }).BuildServiceProvider();
        return new LabDrills(cluster, services);
    }

    /// <summary>A restore drill of a VM and of a container with the drills' own token (the second homelab token).</summary>
    public async Task<IReadOnlyList<DrillRecord>> DrillAsync()
    {
        var range = new VmidRange(9900, 9999);
        using var connection = DrillConnection();
        var settings = new DrillSettings
        {
            Cluster = "homelab",
            Node = "pve1",
            TargetStorage = "local-zfs",
            Range = range,
            MaxParallel = 2,
            PollInterval = TimeSpan.FromMilliseconds(50),
            RunningTime = TimeSpan.FromMilliseconds(200),
        };
        var runner = new DrillRunner(connection.Cluster, new MemoryDrillStore(), settings, TimeProvider.System);
        await runner.SweepAsync(CancellationToken.None);
        var plan = await runner.PlanAsync(
            [
                new DrillCandidate(new GuestKey("homelab", 101), Level.Production, null),
                new DrillCandidate(new GuestKey("homelab", 121), Level.Production, null),
            ],
            2,
            explicitGuest: false,
            CancellationToken.None
        );
        return await runner.RunAsync(plan, null, CancellationToken.None);
    }

    private sealed class MemoryDrillStore : IDrillStore
    {
        public Task BeginDrillAsync(DrillRecord drill, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task UpdateDrillAsync(DrillRecord drill, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task FinishDrillAsync(DrillRecord drill, Core.Evidence.RestoreTest? evidence, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public Task<IReadOnlyList<DrillRecord>> UnfinishedDrillsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<DrillRecord>>([]);
    }

    public IEnumerable<(ProxmoxProduct Product, LabServer Server)> Servers =>
        Lab.Clusters.Select(c => (ProxmoxProduct.Pve, c.Server)).Concat(Lab.BackupServers.Select(b => (ProxmoxProduct.Pbs, b.Server)));

    public async ValueTask DisposeAsync()
    {
        Gateways.Dispose();
        await Lab.DisposeAsync();
    }
}

/// <summary>The Proxmox area's gateways in a provider of their own, as the executable registers them.</summary>
internal sealed class LabGateways(ServiceProvider services) : IDisposable
{
    private ProxmoxGateways Gateways => services.GetRequiredService<ProxmoxGateways>();

    public IReadOnlyList<Core.Sync.IEvidenceSource> Sources => [.. services.GetServices<Core.Sync.IEvidenceSource>()];

    public Core.Sync.ITagWriter TagWriter => services.GetRequiredService<Core.Sync.ITagWriter>();

    public Core.Sync.IStorageDirectory Storages => services.GetRequiredService<Core.Sync.IStorageDirectory>();

    public RequestMeter Meter => services.GetRequiredService<RequestMeter>();

    public Task<IReadOnlyList<Core.Sync.TagStyleOutcome>> ApplyTagStyleAsync(
        TagVocabulary vocabulary,
        bool colorMap,
        bool register,
        CancellationToken cancellationToken
    ) => services.GetRequiredService<Core.Sync.ITagStyleWriter>().ApplyAsync(vocabulary, colorMap, register, cancellationToken);

    public Task<IReadOnlyList<Core.Sync.Diagnosis>> DiagnoseAsync(
        bool needsSysModify,
        IReadOnlyCollection<string> managedTags,
        CancellationToken cancellationToken
    ) => Gateways.DiagnoseAsync(needsSysModify, managedTags, cancellationToken);

    public void Dispose() => services.Dispose();
}

/// <summary>The drills' connection (own token) in a provider of its own.</summary>
internal sealed class LabDrills(PveCluster cluster, ServiceProvider services) : IDisposable
{
    public IDrillCluster Cluster => services.GetRequiredService<IDrillCluster>();

    /// <summary>Protection flags of backups through PVE (ProtectProven).</summary>
    public IBackupProtection Protection => services.GetRequiredService<IBackupProtection>();

    /// <summary><c>doctor</c>: the drill token's privileges, node, target storage and range.</summary>
    public Task<IReadOnlyList<Core.Sync.Diagnosis>> DiagnoseAsync(DrillSettings settings, CancellationToken cancellationToken) =>
        ProxmoxDoctorDrills.DiagnoseAsync(cluster, ProxmoxClients.Pve(services, cluster.Endpoint, "drills"), Cluster, settings, cancellationToken);

    public void Dispose() => services.Dispose();
}
