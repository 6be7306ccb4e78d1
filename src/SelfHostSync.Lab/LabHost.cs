using SelfHostSync.Lab.Dsm;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Pbs;
using SelfHostSync.Lab.Pve;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab;

/// <summary>Starts every simulator of a scenario on loopback and keeps them running until disposed.</summary>
public sealed class LabHost : IAsyncDisposable
{
    private LabHost(
        LabScenario scenario,
        IReadOnlyList<PveSimulator> clusters,
        IReadOnlyList<PbsSimulator> backupServers,
        IReadOnlyList<DsmSimulator> nas
    )
    {
        Synology = nas;
        Scenario = scenario;
        Clusters = clusters;
        BackupServers = backupServers;
    }

    public LabScenario Scenario { get; }

    public IReadOnlyList<PveSimulator> Clusters { get; }

    public IReadOnlyList<PbsSimulator> BackupServers { get; }

    public IReadOnlyList<DsmSimulator> Synology { get; }

    public DsmSimulator Nas(string name) => Synology.Single(n => n.Name == name);

    /// <summary>Fills <c>{{name.url}}</c> and <c>{{name.fingerprint}}</c> of every simulator in a configuration template.</summary>
    public string Fill(string template)
    {
        var servers = Clusters
            .Select(c => (c.Name, c.Server))
            .Concat(BackupServers.Select(b => (b.Name, b.Server)))
            .Concat(Synology.Select(n => (n.Name, n.Server)));
        foreach (var (name, server) in servers)
        {
            template = template
                .Replace($"{{{{{name}.url}}}}", server.Url.ToString().TrimEnd('/'), StringComparison.Ordinal)
                .Replace($"{{{{{name}.fingerprint}}}}", server.Fingerprint, StringComparison.Ordinal);
        }

        return template;
    }

    public PveSimulator Cluster(string name) => Clusters.Single(c => c.Name == name);

    public PbsSimulator BackupServer(string name) => BackupServers.Single(c => c.Name == name);

    public static async Task<LabHost> StartAsync(LabScenario scenario, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pbs = new List<PbsSimulator>();
        pbs.AddRange(scenario.BackupServers.Select(b => new PbsSimulator(b, now, name => pbs.FirstOrDefault(p => p.Name == name))));
        foreach (var b in pbs)
        {
            await b.StartAsync(0, cancellationToken);
        }

        var pve = scenario.Clusters.Select(c => new PveSimulator(c, now, name => pbs.FirstOrDefault(p => p.Name == name))).ToList();
        foreach (var c in pve)
        {
            await c.StartAsync(0, cancellationToken);
        }

        var nas = scenario.Synology.Select(n => new DsmSimulator(n, now)).ToList();
        foreach (var n in nas)
        {
            await n.StartAsync(0, cancellationToken);
        }

        return new LabHost(scenario, pve, pbs, nas);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in Clusters)
        {
            await c.Server.DisposeAsync();
        }

        foreach (var b in BackupServers)
        {
            await b.Server.DisposeAsync();
        }

        foreach (var n in Synology)
        {
            await n.Server.DisposeAsync();
        }
    }

    /// <summary>The configuration SelfHostSync runs against a started generated estate with (<c>lab --size</c>).</summary>
    public string ConfigFor(string stateDirectory)
    {
        static string Q(string s) => System.Text.Json.JsonEncodedText.Encode(s).ToString();
        var clusters = Clusters.Select(c =>
            $$"""{ "Name": "{{c.Name}}", "Url": "{{Q(c.Server.Url.ToString().TrimEnd('/'))}}", "TokenId": "{{EstateGenerator.TokenId}}", "TokenSecret": "{{EstateGenerator.Secret}}", "Fingerprint": "{{c.Server.Fingerprint}}" }"""
        );
        var servers = BackupServers.Select(b =>
            $$"""{ "Name": "{{b.Name}}", "Url": "{{Q(b.Server.Url.ToString().TrimEnd('/'))}}", "TokenId": "{{EstateGenerator.PbsTokenId}}", "TokenSecret": "{{EstateGenerator.Secret}}", "Fingerprint": "{{b.Server.Fingerprint}}" }"""
        );
        var nas = Synology.Select(n =>
            $$"""{ "Name": "{{n.Name}}", "Url": "{{Q(n.Server.Url.ToString().TrimEnd('/'))}}", "Username": "selfhostsync", "Password": "{{EstateGenerator.Secret}}", "Fingerprint": "{{n.Server.Fingerprint}}" }"""
        );
        return $$"""
            { "SelfHostSync": {
                "StateDirectory": "{{Q(stateDirectory)}}",
                "Proxmox": [ {{string.Join(", ", clusters)}} ],
                "BackupServers": [ {{string.Join(", ", servers)}} ],
                "Synology": [ {{string.Join(", ", nas)}} ]
            } }
            """;
    }
}
