using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;
using SelfHostSync.Proxmox.Http;
using SelfHostSync.Proxmox.Pbs;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>Creates the Refit clients for an endpoint over the resilient, pinned HttpClient.</summary>
internal static class ProxmoxClients
{
    private static readonly RefitSettings Settings = new()
    {
        ContentSerializer = new SystemTextJsonContentSerializer(new JsonSerializerOptions
        {
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            PropertyNameCaseInsensitive = false,
        }),
    };

    public static IPveApi Pve(HttpClient http) => RestService.For<IPveApi>(http, Settings);

    public static IPbsApi Pbs(HttpClient http) => RestService.For<IPbsApi>(http, Settings);

    /// <summary>Runs a call, turning transport and parse failures into one-line <see cref="ProxmoxApiException"/>s.</summary>
    public static async Task<T> Call<T>(ProxmoxEndpoint endpoint, string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ProxmoxApiException)
        {
            throw;
        }
        catch (ApiException ex) when (ex.InnerException is JsonException json)
        {
            throw new ProxmoxApiException(ProxmoxErrorKind.BadResponse, ex.StatusCode, $"{endpoint.Kind}:{endpoint.Name}: {what}: malformed response ({json.Message})", ex);
        }
        catch (JsonException ex)
        {
            throw new ProxmoxApiException(ProxmoxErrorKind.BadResponse, null, $"{endpoint.Kind}:{endpoint.Name}: {what}: malformed response ({ex.Message})", ex);
        }
        catch (ApiException ex)
        {
            throw new ProxmoxApiException(ProxmoxErrorKind.Failed, ex.StatusCode, $"{endpoint.Kind}:{endpoint.Name}: {what} failed: HTTP {(int)ex.StatusCode}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ProxmoxApiException(ProxmoxErrorKind.Failed, null, $"{endpoint.Kind}:{endpoint.Name}: {what}: {ex.Message}", ex);
        }
        catch (Polly.Timeout.TimeoutRejectedException ex)
        {
            throw new ProxmoxApiException(ProxmoxErrorKind.Failed, null, $"{endpoint.Kind}:{endpoint.Name}: {what}: timed out", ex);
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException ex)
        {
            throw new ProxmoxApiException(ProxmoxErrorKind.Failed, null, $"{endpoint.Kind}:{endpoint.Name}: {what}: too many failures, pausing requests", ex);
        }
    }

    public static T Require<T>(ProxmoxEndpoint endpoint, string what, T? data)
        where T : class =>
        data ?? throw new ProxmoxApiException(ProxmoxErrorKind.BadResponse, null, $"{endpoint.Kind}:{endpoint.Name}: {what}: response has no data");
}
