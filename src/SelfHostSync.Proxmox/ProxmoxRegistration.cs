using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Sync;
using SelfHostSync.Http;
using SelfHostSync.Proxmox.Gateways;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox;

/// <summary>How the Proxmox area joins a service collection: named clients per endpoint, gateways behind Core's ports.</summary>
public static class ProxmoxRegistration
{
    /// <summary>
    /// The clusters and backup servers: a client per endpoint, one <see cref="IEvidenceSource"/> each, the
    /// <see cref="ITagWriter"/>, <see cref="ITagStyleWriter"/>, <see cref="IStorageDirectory"/> and a doctor.
    /// </summary>
    /// <param name="services">The collection.</param>
    /// <param name="topology">What is configured.</param>
    /// <param name="doctor">What <c>doctor</c> judges the tokens against.</param>
    /// <param name="resilience">Retries and timeouts (tests shorten them).</param>
    public static IServiceCollection AddProxmox(
        this IServiceCollection services,
        ProxmoxTopology topology,
        ProxmoxDoctorOptions doctor,
        ResilienceSettings? resilience = null
    )
    {
        foreach (var endpoint in topology.Clusters.Select(c => c.Endpoint).Concat(topology.Servers.Select(s => s.Endpoint)))
        {
            services.AddProxmoxClient(endpoint, resilience);
        }

        services.TryAddSingleton(new ReadMemory(null));
        services.TryAddSingleton(topology);
        services.TryAddSingleton<ProxmoxGateways>();
        services.TryAddSingleton<ITagWriter>(sp => sp.GetRequiredService<ProxmoxGateways>().TagWriter);
        services.TryAddSingleton<ITagStyleWriter>(sp => sp.GetRequiredService<ProxmoxGateways>().TagStyle);
        services.TryAddSingleton<IStorageDirectory>(sp => sp.GetRequiredService<ProxmoxGateways>().Storages);
        for (var i = 0; i < topology.Clusters.Count + topology.Servers.Count; i++)
        {
            var index = i;
            services.AddSingleton<IEvidenceSource>(sp => sp.GetRequiredService<ProxmoxGateways>().Sources[index]);
        }

        services.AddSingleton<IEndpointDoctor>(sp => new Doctor(ct =>
            sp.GetRequiredService<ProxmoxGateways>().DiagnoseAsync(doctor.NeedsSysModify, doctor.ManagedTags, ct)
        ));
        return services;
    }

    /// <summary>Restore drills on <paramref name="cluster"/> (with the drills' own token when configured): <see cref="IDrillCluster"/> and its doctor.</summary>
    public static IServiceCollection AddProxmoxDrills(
        this IServiceCollection services,
        PveCluster cluster,
        DrillSettings settings,
        ResilienceSettings? resilience = null
    )
    {
        services.AddProxmoxClient(cluster.Endpoint, resilience, purpose: "drills");
        services.TryAddSingleton<IDrillCluster>(sp => new PveDrillGateway(
            cluster,
            ProxmoxClients.Pve(sp, cluster.Endpoint, "drills"),
            settings.Range
        ));
        services.TryAddSingleton<IBackupProtection>(sp => new PveBackupProtection(cluster, ProxmoxClients.Pve(sp, cluster.Endpoint, "drills")));
        services.AddSingleton<IEndpointDoctor>(sp => new Doctor(ct =>
            ProxmoxDoctorDrills.DiagnoseAsync(
                cluster,
                ProxmoxClients.Pve(sp, cluster.Endpoint, "drills"),
                sp.GetRequiredService<IDrillCluster>(),
                settings,
                ct
            )
        ));
        return services;
    }

    private sealed class Doctor(Func<CancellationToken, Task<IReadOnlyList<Diagnosis>>> diagnose) : IEndpointDoctor
    {
        public Task<IReadOnlyList<Diagnosis>> DiagnoseAsync(CancellationToken cancellationToken) => diagnose(cancellationToken);
    }
}

/// <summary>What <c>doctor</c> judges PVE tokens against.</summary>
/// <param name="NeedsSysModify">Tags.ColorMap or Tags.Register is on.</param>
/// <param name="ManagedTags">The tags SelfHostSync writes: the datacenter tag policy may reserve them.</param>
public sealed record ProxmoxDoctorOptions(bool NeedsSysModify, IReadOnlyCollection<string> ManagedTags);
