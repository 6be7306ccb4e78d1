using System.Net.Http.Headers;

namespace SelfHostSync.Proxmox.Http;

/// <summary>
/// Adds the API token header: PVE <c>PVEAPIToken user@realm!id=secret</c>, PBS <c>PBSAPIToken user@realm!id:secret</c>.
/// Set through <see cref="AuthenticationHeaderValue"/> (scheme + parameter); a plain header add rejects the value.
/// </summary>
internal sealed class TokenAuthHandler(ProxmoxEndpoint endpoint) : DelegatingHandler
{
    private readonly AuthenticationHeaderValue _header =
        endpoint.Product == ProxmoxProduct.Pve
            ? new AuthenticationHeaderValue("PVEAPIToken", $"{endpoint.TokenId}={endpoint.TokenSecret}")
            : new AuthenticationHeaderValue("PBSAPIToken", $"{endpoint.TokenId}:{endpoint.TokenSecret}");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = _header;
        return base.SendAsync(request, cancellationToken);
    }
}
