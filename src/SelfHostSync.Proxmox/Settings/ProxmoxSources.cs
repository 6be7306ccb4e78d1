using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Http.Settings;
using SelfHostSync.Proxmox.Gateways;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox.Settings;

/// <summary>The clusters and backup servers as the gateways take them, built from options every rule has passed.</summary>
public static class ProxmoxSources
{
    /// <summary>Binds <see cref="ProxmoxSourcesOptions"/> from the <c>SelfHostSync</c> section and checks it when the container starts.</summary>
    public static IServiceCollection AddProxmoxSettings(this IServiceCollection services)
    {
        services
            .AddOptions<ProxmoxSourcesOptions>()
            .BindConfiguration(SettingsSection.Name)
            .WithAreaRules<ProxmoxSourcesOptions, ProxmoxSourcesFieldRules, ProxmoxSourcesRules>();
        return services;
    }

    public static IReadOnlyList<PveCluster> Clusters(ProxmoxSourcesOptions options, SecretFiles secrets, ICollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            .. options.Proxmox.Select(
                (p, i) =>
                    new PveCluster(
                        Endpoint(ProxmoxProduct.Pve, $"Proxmox[{i}]", p, secrets, known),
                        p.HardwareOwner is null ? HardwareOwner.Self : Enum.Parse<HardwareOwner>(p.HardwareOwner, ignoreCase: true),
                        Durations.Or(p.ConfigRefresh, TimeSpan.FromHours(1))
                    )
            ),
        ];
    }

    public static IReadOnlyList<PbsServer> Servers(ProxmoxSourcesOptions options, SecretFiles secrets, ICollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            .. options.BackupServers.Select(
                (b, i) =>
                    new PbsServer(
                        Endpoint(ProxmoxProduct.Pbs, $"BackupServers[{i}]", b, secrets, known),
                        b.Offsite,
                        b.OffsiteRemotes.Select(r => r.Trim()).ToHashSet(StringComparer.Ordinal),
                        b.S3Offsite
                    )
            ),
        ];
    }

    private static ProxmoxEndpoint Endpoint(ProxmoxProduct product, string key, EndpointOptions e, SecretFiles secrets, ICollection<string> known)
    {
        var (user, secret, ticket) = ProxmoxSourcesRules.Credentials(key, e, new OptionProblems(), secrets);
        known.Add(secret!);
        return new ProxmoxEndpoint(
            product,
            e.Name!,
            new Uri(e.Url!),
            user!,
            ticket ? string.Empty : secret!,
            string.IsNullOrWhiteSpace(e.Fingerprint) ? null : SelfHostSync.Http.Fingerprints.Normalize(e.Fingerprint),
            e.InsecureSkipVerify,
            e.MaxConcurrentRequests ?? 4,
            e.Timeout is null ? null : Durations.Or(e.Timeout, TimeSpan.FromSeconds(30))
        )
        {
            Password = ticket ? secret : null,
        };
    }
}
