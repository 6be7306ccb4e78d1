using System.Net;
using Refit;

namespace SelfHostSync.Proxmox.Http;

/// <summary>
/// Ticket login, the alternative to API tokens: <c>POST /access/ticket</c> with the password, then the ticket as the
/// <c>PVEAuthCookie</c>/<c>PBSAuthCookie</c> cookie on every request and <c>CSRFPreventionToken</c> on writes.
/// Tickets live 2 h; this renews (posting the ticket as the password) once one is <see cref="RenewAfter"/> old, and
/// logs in again once after a 401. Tickets and the CSRF token are secrets: never logged, never in messages.
/// </summary>
internal sealed class TicketAuthHandler : DelegatingHandler
{
    internal static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);
    internal static readonly TimeSpan RenewAfter = TimeSpan.FromMinutes(90);

    private readonly ProxmoxEndpoint _endpoint;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _cookieName;
    private Session? _session;
    private readonly Lazy<IAccessApi> _access;

    /// <param name="endpoint">The endpoint and its user.</param>
    /// <param name="time">The clock tickets age by.</param>
    /// <param name="access">The keyed Refit client over this endpoint's plain login client (TLS check, metering), created on the first login.</param>
    public TicketAuthHandler(ProxmoxEndpoint endpoint, TimeProvider time, Func<IAccessApi> access)
    {
        _endpoint = endpoint;
        _time = time;
        _access = new Lazy<IAccessApi>(access);
        _cookieName = endpoint.Product == ProxmoxProduct.Pve ? "PVEAuthCookie" : "PBSAuthCookie";
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var session = await CurrentAsync(null, cancellationToken);
        var response = await SendWith(session, request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        // The ticket was rejected (server restarted with a new key, clock jump): log in again, once.
        response.Dispose();
        session = await CurrentAsync(session, cancellationToken);
        return await SendWith(session, request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }

    private Task<HttpResponseMessage> SendWith(Session session, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove("Cookie");
        request.Headers.Remove("CSRFPreventionToken");
        request.Headers.Add("Cookie", $"{_cookieName}={Uri.EscapeDataString(session.Ticket)}");
        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
        {
            request.Headers.Add("CSRFPreventionToken", session.Csrf);
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>The session to use; <paramref name="rejected"/> is one the server just refused.</summary>
    private async Task<Session> CurrentAsync(Session? rejected, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var current = _session;
        if (current is not null && current != rejected && now - current.IssuedAt < RenewAfter)
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            current = _session;
            if (current is not null && current != rejected && now - current.IssuedAt < RenewAfter)
            {
                return current;
            }

            // Renew with the ticket while it is still valid; otherwise (or when it was refused) use the password.
            var renew = current is not null && current != rejected && now - current.IssuedAt < Lifetime;
            var fresh = await LoginAsync(renew ? current!.Ticket : _endpoint.Password!, cancellationToken)
                ?? (renew ? await LoginAsync(_endpoint.Password!, cancellationToken) : null)
                ?? throw new ProxmoxApiException(
                    ProxmoxErrorKind.Unauthorized,
                    HttpStatusCode.Unauthorized,
                    $"{_endpoint.Kind}:{_endpoint.Name}: login failed for {_endpoint.Identity} (password wrong, user disabled or two-factor required)"
                );
            _session = fresh;
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Session?> LoginAsync(string password, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal) { ["username"] = _endpoint.TokenId, ["password"] = password };
        try
        {
            var data = (await _access.Value.CreateTicketAsync(form, cancellationToken)).Data;
            if (data?.IsChallenge == true)
            {
                throw new ProxmoxApiException(
                    ProxmoxErrorKind.Unauthorized,
                    HttpStatusCode.Unauthorized,
                    $"{_endpoint.Kind}:{_endpoint.Name}: {_endpoint.Identity} has two-factor authentication, which ticket login cannot answer: use an API token (TokenId and TokenSecretFile) instead"
                );
            }

            return data is { Ticket: { Length: > 0 } ticket, CsrfPreventionToken: { Length: > 0 } csrf }
                ? new Session(ticket, csrf, _time.GetUtcNow())
                : null;
        }
        catch (ApiException ex) when (ex.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return null;
        }
    }

    private sealed record Session(string Ticket, string Csrf, DateTimeOffset IssuedAt)
    {
        public override string ToString() => $"session issued {IssuedAt:O}";
    }
}
