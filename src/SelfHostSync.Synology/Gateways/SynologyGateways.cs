using Microsoft.Extensions.DependencyInjection;
using SelfHostSync.Core.Sync;
using SelfHostSync.Synology.Api;
using SelfHostSync.Synology.Http;

namespace SelfHostSync.Synology.Gateways;

/// <summary>The Synology side of a pass over the factory's clients: one source per NAS, sessions kept, logout on dispose.</summary>
internal sealed class SynologyGateways : IEndpointDoctor, IAsyncDisposable
{
    private readonly List<DsmSession> _sessions = [];

    public SynologyGateways(IReadOnlyList<SynologyEndpoint> endpoints, IStorageDirectory storages, IServiceProvider services, TimeProvider time)
    {
        Sources =
        [
            .. endpoints.Select(e =>
            {
                var session = new DsmSession(e, DsmApis.For(services, e));
                _sessions.Add(session);
                return (IEvidenceSource)new SynologyGateway(e, session, storages, time);
            }),
        ];
    }

    public IReadOnlyList<IEvidenceSource> Sources { get; }

    /// <summary><c>doctor</c>: one full read of every NAS; gaps are problems, findings warnings.</summary>
    public async Task<IReadOnlyList<Diagnosis>> DiagnoseAsync(CancellationToken cancellationToken)
    {
        var found = new List<Diagnosis>();
        foreach (var source in Sources)
        {
            var subject = source.Id.ToString();
            var batch = await source.CollectAsync(cancellationToken);
            if (batch.Gaps.Count > 0)
            {
                found.AddRange(
                    batch.Gaps.Select(g => g.Reason).Distinct(StringComparer.Ordinal).Select(r => new Diagnosis(subject, DiagnosisLevel.Problem, r))
                );
                continue;
            }

            found.Add(
                new Diagnosis(
                    subject,
                    DiagnosisLevel.Ok,
                    $"reachable; {batch.StorageHealth.Count} PVE storage(s) linked, {batch.Replicas.Count} offsite replica(s) from Hyper Backup"
                )
            );
            found.AddRange(batch.Findings.Select(f => new Diagnosis(subject, DiagnosisLevel.Warning, f)));
        }

        return found;
    }

    private int _disposed;

    /// <summary>Logs out of every DSM session (bounded), once; the factory owns the HTTP handlers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var session in _sessions)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await session.LogoutAsync(timeout.Token);
            session.Dispose();
        }
    }
}

/// <summary><c>doctor --synology-otp</c> over the NAS's enrolment client (no retries: a one-time code is spent once).</summary>
internal sealed class DsmEnrolment(IReadOnlyList<SynologyEndpoint> endpoints, IServiceProvider services) : IDeviceEnrolment
{
    public IReadOnlyList<string> Names { get; } = [.. endpoints.Select(e => e.Name)];

    public async Task<EnrolledDevice> EnrolAsync(string name, string otpCode, CancellationToken cancellationToken)
    {
        var endpoint = endpoints.First(e => e.Name == name);
        using var session = new DsmSession(endpoint, DsmApis.For(services, endpoint, DsmHttp.Enrolment));
        try
        {
            return new EnrolledDevice(name, endpoint.DeviceName, await session.EnrolDeviceAsync(otpCode, cancellationToken));
        }
        catch (DsmApiException ex)
        {
            throw new EnrolmentException(ex.Message, ex);
        }
        finally
        {
            await session.LogoutAsync(cancellationToken);
        }
    }
}

/// <summary>The DSM Refit clients, keyed by their named client (<see cref="SynologyRegistration.AddSynology"/>).</summary>
internal static class DsmApis
{
    public static IDsmApi For(IServiceProvider services, SynologyEndpoint endpoint, string? purpose = null) =>
        services.GetRequiredKeyedService<IDsmApi>(DsmHttp.ClientName(endpoint, purpose));
}
