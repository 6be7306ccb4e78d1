using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Refit;
using SelfHostSync.Core.Sync;
using SelfHostSync.Synology.Api;
using SelfHostSync.Synology.Gateways;
using SelfHostSync.Synology.Http;

namespace SelfHostSync.Synology;

/// <summary>How the Synology area joins a service collection: a client per NAS, one source each, a doctor, the enrolment.</summary>
public static class SynologyRegistration
{
    /// <summary>Needs an <see cref="IStorageDirectory"/> (the Proxmox area's) to link shares to PVE storages.</summary>
    public static IServiceCollection AddSynology(
        this IServiceCollection services,
        IReadOnlyList<SynologyEndpoint> endpoints,
        DsmResilience? resilience = null
    )
    {
        foreach (var endpoint in endpoints)
        {
            // The Refit client of each named client, keyed by its name (DsmApis resolves them); its settings carry the
            // same TLS-checking handler the named client has.
            var refit = new RefitSettings { HttpMessageHandlerFactory = services.AddDsmClient(endpoint, resilience).CreatePrimaryHandler };
            foreach (var name in new[] { DsmHttp.ClientName(endpoint), DsmHttp.ClientName(endpoint, DsmHttp.Enrolment) })
            {
                services.AddKeyedRefitGeneratedClient<IDsmApi>(name, DsmJsonContext.Default, _ => refit, name, false);
            }
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SynologyGateways(
            endpoints,
            sp.GetRequiredService<IStorageDirectory>(),
            sp,
            sp.GetRequiredService<TimeProvider>()
        ));
        for (var i = 0; i < endpoints.Count; i++)
        {
            var index = i;
            services.AddSingleton<IEvidenceSource>(sp => sp.GetRequiredService<SynologyGateways>().Sources[index]);
        }

        if (endpoints.Count > 0)
        {
            // A wrapper: the container disposes what a factory returns, and the gateways are disposed once, as themselves.
            services.AddSingleton<IEndpointDoctor>(sp => new Doctor(sp.GetRequiredService<SynologyGateways>()));
        }

        services.TryAddSingleton<IDeviceEnrolment>(sp => new DsmEnrolment(endpoints, sp));
        return services;
    }

    private sealed class Doctor(IEndpointDoctor gateways) : IEndpointDoctor
    {
        public Task<IReadOnlyList<Diagnosis>> DiagnoseAsync(CancellationToken cancellationToken) => gateways.DiagnoseAsync(cancellationToken);
    }
}
