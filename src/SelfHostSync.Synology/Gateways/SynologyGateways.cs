using Refit;
using SelfHostSync.Core.Sync;
using SelfHostSync.Http;
using SelfHostSync.Synology.Api;
using SelfHostSync.Synology.Http;

namespace SelfHostSync.Synology.Gateways;

/// <summary>The Synology side of a pass: one source per NAS, sessions kept for the daemon's lifetime, logout on dispose.</summary>
public sealed class SynologyGateways : IAsyncDisposable
{
    private readonly List<(HttpClient Http, DsmSession Session)> _owned = [];

    public SynologyGateways(IReadOnlyList<SynologyEndpoint> endpoints, IStorageDirectory storages, TimeProvider time, RequestMeter? meter = null)
    {
        Sources = endpoints.Select(e =>
        {
            var http = Client(e, meter);
            var session = new DsmSession(e, RestService.For<IDsmApi>(http));
            _owned.Add((http, session));
            return (IEvidenceSource)new SynologyGateway(e, session, storages, time);
        }).ToList();
    }

    public IReadOnlyList<IEvidenceSource> Sources { get; }

    /// <summary>One login with a 2FA code that asks DSM for a trusted-device token (for <c>doctor --synology-otp</c>).</summary>
    public static async Task<string> EnrolDeviceAsync(SynologyEndpoint endpoint, string otpCode, CancellationToken cancellationToken)
    {
        using var http = Client(endpoint, null);
        using var session = new DsmSession(endpoint, RestService.For<IDsmApi>(http));
        try
        {
            return await session.EnrolDeviceAsync(otpCode, cancellationToken);
        }
        finally
        {
            await session.LogoutAsync(cancellationToken);
        }
    }

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
                found.AddRange(batch.Gaps.Select(g => g.Reason).Distinct(StringComparer.Ordinal).Select(r => new Diagnosis(subject, DiagnosisLevel.Problem, r)));
                continue;
            }

            found.Add(new Diagnosis(subject, DiagnosisLevel.Ok, $"reachable; {batch.StorageHealth.Count} PVE storage(s) linked, {batch.Replicas.Count} offsite replica(s) from Hyper Backup"));
            found.AddRange(batch.Findings.Select(f => new Diagnosis(subject, DiagnosisLevel.Warning, f)));
        }

        return found;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (http, session) in _owned)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await session.LogoutAsync(timeout.Token);
            session.Dispose();
            http.Dispose();
        }
    }

    private static HttpClient Client(SynologyEndpoint endpoint, RequestMeter? meter)
    {
        var tls = new TlsPolicy(endpoint.Fingerprint, endpoint.InsecureSkipVerify, 2);
        HttpMessageHandler handler = tls.CreatePrimaryHandler();
        if (meter is not null)
        {
            handler = new MeteringHandler(meter, $"dsm:{endpoint.Name}") { InnerHandler = handler };
        }

        // HttpClient.Timeout covers SendAsync, and the buffering handler reads the body inside it.
        handler = new BufferedBodyHandler { InnerHandler = handler };
        return new HttpClient(handler) { BaseAddress = new Uri(endpoint.BaseUrl.GetLeftPart(UriPartial.Authority)), Timeout = endpoint.Timeout };
    }
}
