using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Refit;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pbs;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>Creates the Refit clients for an endpoint over the resilient, pinned HttpClient.</summary>
internal static class ProxmoxClients
{
    /// <summary>How every PVE/PBS answer is read (also by <see cref="DataArrayReader"/>).</summary>
    internal static JsonSerializerOptions Json => ProxmoxJson.Options;

    /// <summary>The PVE client over an endpoint's named client, keyed by its name (<paramref name="purpose"/>: the drills' own).</summary>
    public static IPveApi Pve(IServiceProvider services, ProxmoxEndpoint endpoint, string? purpose = null) =>
        services.GetRequiredKeyedService<IPveApi>(ProxmoxHttp.ClientName(endpoint, purpose));

    public static IPbsApi Pbs(IServiceProvider services, ProxmoxEndpoint endpoint) =>
        services.GetRequiredKeyedService<IPbsApi>(ProxmoxHttp.ClientName(endpoint));

    /// <summary>Runs a call, turning transport and parse failures into one-line <see cref="ProxmoxApiException"/>s.</summary>
    public static async Task<T> Call<T>(ProxmoxEndpoint endpoint, string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is not ProxmoxApiException && ex is not OperationCanceledException)
        {
            throw Translate(endpoint, what, ex);
        }
    }

    /// <summary>Refit wraps handler exceptions (ApiRequestException); find what really happened.</summary>
    internal static ProxmoxApiException Translate(ProxmoxEndpoint endpoint, string what, Exception ex)
    {
        var prefix = $"{endpoint.Kind}:{endpoint.Name}: {what}";
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case ProxmoxApiException mapped:
                    return mapped;
                case JsonException json:
                    return new ProxmoxApiException(ProxmoxErrorKind.BadResponse, null, $"{prefix}: malformed response ({json.Message})", ex);
                case Polly.Timeout.TimeoutRejectedException:
                    return new ProxmoxApiException(ProxmoxErrorKind.Failed, null, $"{prefix}: timed out", ex);
                case Polly.CircuitBreaker.BrokenCircuitException:
                    return new ProxmoxApiException(ProxmoxErrorKind.Failed, null, $"{prefix}: too many failures, pausing requests", ex);
                case HttpRequestException http:
                    return new ProxmoxApiException(ProxmoxErrorKind.Failed, null, $"{prefix}: {http.Message}", ex);
                case ApiException api when e.InnerException is null:
                    return new ProxmoxApiException(ProxmoxErrorKind.Failed, api.StatusCode, $"{prefix} failed: HTTP {(int)api.StatusCode}", ex);
            }
        }

        return new ProxmoxApiException(ProxmoxErrorKind.Failed, null, $"{prefix}: {ex.Message}", ex);
    }

    public static T Require<T>(ProxmoxEndpoint endpoint, string what, T? data)
        where T : class => data ?? throw NoData(endpoint, what);

    public static ProxmoxApiException NoData(ProxmoxEndpoint endpoint, string what) =>
        new(ProxmoxErrorKind.BadResponse, null, $"{endpoint.Kind}:{endpoint.Name}: {what}: response has no data");
}
