using Microsoft.Extensions.DependencyInjection;
using SelfHostSync.Core.Sync;
using SelfHostSync.Synology.Gateways;
using SelfHostSync.Synology.Http;

namespace SelfHostSync.Synology.Tests;

/// <summary>The Synology area in a provider of its own, registered as the executable registers it.</summary>
internal sealed class NasGateways(ServiceProvider services) : IAsyncDisposable
{
    /// <summary>Retries as in production, without the waits.</summary>
    public static DsmResilience Fast { get; } = new() { RetryDelay = TimeSpan.FromMilliseconds(1) };

    public IReadOnlyList<IEvidenceSource> Sources => [.. services.GetServices<IEvidenceSource>()];

    public IDeviceEnrolment Enrolment => services.GetRequiredService<IDeviceEnrolment>();

    public Task<IReadOnlyList<Diagnosis>> DiagnoseAsync(CancellationToken cancellationToken) =>
        services.GetRequiredService<SynologyGateways>().DiagnoseAsync(cancellationToken);

    public static NasGateways For(IReadOnlyList<SynologyEndpoint> endpoints, IStorageDirectory storages) =>
        new(new ServiceCollection().AddSingleton(storages).AddSynology(endpoints, Fast).BuildServiceProvider());

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
