using SelfHostSync.Core.Sync;
using SelfHostSync.Daemon.Settings;
using SelfHostSync.Proxmox.Gateways;

namespace SelfHostSync.Configuration;

/// <summary>The validated configuration the executable runs with.</summary>
internal sealed record AppConfig
{
    public required string SourcePath { get; init; }

    public required string StateDirectory { get; init; }

    public bool DryRun { get; init; }

    public string Schedule { get; init; } = DaemonSettings.Default.Schedule;

    public required IReadOnlyList<PveCluster> Clusters { get; init; }

    public required IReadOnlyList<PbsServer> BackupServers { get; init; }

    public IReadOnlyList<Synology.Http.SynologyEndpoint> Synology { get; init; } = [];

    public required SyncSettings Sync { get; init; }

    /// <summary>Schedule, control API, notifications, logging and retention of <c>run</c>.</summary>
    public DaemonSettings Daemon { get; init; } = DaemonSettings.Default;

    /// <summary><c>Tags.ColorMap</c>: merge managed tag colours into the datacenter <c>tag-style</c>.</summary>
    public bool TagColorMap { get; init; }

    /// <summary><c>Tags.Register</c>: add managed tags to <c>registered-tags</c>.</summary>
    public bool TagRegister { get; init; }

    /// <summary><c>HomeAssistant</c>, when configured: the MQTT broker and what to publish.</summary>
    public HomeAssistant.Settings.HomeAssistantSettings? HomeAssistant { get; init; }

    /// <summary><c>RestoreDrills</c>, when configured.</summary>
    public DrillConfig? Drills { get; init; }

    /// <summary>Every secret in the configuration, so that output can be checked and scrubbed.</summary>
    public required IReadOnlyList<string> Secrets { get; init; }

    /// <summary>The configured cluster names, in configuration order.</summary>
    public IReadOnlyList<string> ClusterNames => [.. Clusters.Select(c => c.Name)];

    /// <summary>The configured Synology NAS names.</summary>
    public IReadOnlyList<string> SynologyNames => [.. Synology.Select(s => s.Name)];

    /// <summary>Endpoints that skip certificate verification (warned on every run).</summary>
    public IEnumerable<string> Insecure =>
        Clusters
            .Where(c => c.Endpoint.InsecureSkipVerify)
            .Select(c => c.Endpoint.ToString())
            .Concat(BackupServers.Where(b => b.Endpoint.InsecureSkipVerify).Select(b => b.Endpoint.ToString()))
            .Concat(Synology.Where(s => s.InsecureSkipVerify).Select(s => s.ToString()))
            .Concat(HomeAssistant is { InsecureSkipVerify: true } ha ? [ha.Broker] : []);
}

/// <summary>Configuration that cannot be used; each problem is one line naming the key.</summary>
internal sealed class ConfigException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
