using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SelfHostSync.Control;

/// <summary>
/// Who may use the control API. With a configured <c>ControlApi.Token</c> every route but <c>/healthz</c> (and the
/// webhook, which has its own secret) needs <c>Authorization: Bearer &lt;token&gt;</c> or the session cookie a browser
/// gets from <c>/?token=…</c>. A POST a browser marks as cross-site is refused (<see cref="CrossSiteRefusal"/>), so no
/// other page can make a visitor's browser trigger anything; scripts, which send neither header, need no extra token.
/// All comparisons are constant-time. A session cookie carries when it was issued, signed with the token, and is
/// honoured for <see cref="SessionLifetime"/>.
/// </summary>
internal sealed class ControlAuth
{
    public const string CookieName = "selfhostsync_session";

    /// <summary>The factory name of the client admin commands (<c>resync</c>) reach the running daemon with.</summary>
    public const string ClientName = "control";
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);
    private readonly byte[]? _token;
    private readonly TimeProvider _time;

    public ControlAuth(string? token, TimeProvider? time = null)
    {
        _token = token is null ? null : Encoding.UTF8.GetBytes(token);
        _time = time ?? TimeProvider.System;
    }

    public bool RequiresToken => _token is not null;

    /// <summary>A new session cookie value: <c>issued-at.signature</c>.</summary>
    public string NewSession()
    {
        var issued = _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{issued}.{Sign(issued)}";
    }

    private string Sign(string issued) =>
        _token is null ? string.Empty : Convert.ToHexString(HMACSHA256.HashData(_token, Encoding.UTF8.GetBytes("selfhostsync-session:" + issued)));

    private bool IsValidSession(string cookie)
    {
        var dot = cookie.IndexOf('.', StringComparison.Ordinal);
        if (
            _token is null
            || dot <= 0
            || !long.TryParse(
                cookie.AsSpan(0, dot),
                System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture,
                out var issued
            )
        )
        {
            return false;
        }

        var age = _time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Min(issued, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        return Same(Encoding.UTF8.GetBytes(cookie[(dot + 1)..]), Encoding.UTF8.GetBytes(Sign(cookie[..dot])))
            && age >= TimeSpan.FromMinutes(-5)
            && age <= SessionLifetime;
    }

    public bool HasBearer(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return _token is not null
            && header.StartsWith("Bearer ", StringComparison.Ordinal)
            && Same(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()), _token);
    }

    public bool IsAuthenticated(HttpContext context) =>
        _token is null || HasBearer(context) || (context.Request.Cookies.TryGetValue(CookieName, out var cookie) && IsValidSession(cookie));

    /// <summary><c>?token=…</c> on the dashboard: a browser's way in when a token is configured.</summary>
    public bool IsValidToken(string? candidate) => _token is not null && candidate is not null && Same(Encoding.UTF8.GetBytes(candidate), _token);

    /// <summary>
    /// Why a state-changing request is refused as cross-site, or null. As browsers mark requests (Fetch Metadata, then
    /// Origin; the check Go's <c>CrossOriginProtection</c> and modern frameworks make): <c>Sec-Fetch-Site</c> other than
    /// <c>same-origin</c> or <c>none</c> (typed in, a bookmark) is refused, <c>same-site</c> included (another web app
    /// on the same host is same-site); without it, an <c>Origin</c> whose host and port are not the request's. A request
    /// with neither comes from no browser (curl, a cron script, Home Assistant's <c>rest_command</c>) and passes.
    /// </summary>
    public static string? CrossSiteRefusal(HttpContext context)
    {
        var site = context.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is "same-origin" or "none" ? null : $"refused: the browser marks this request as {site} (Sec-Fetch-Site)";
        }

        var origin = context.Request.Headers.Origin.ToString();
        return
            origin.Length == 0
            || (
                Uri.TryCreate(origin, UriKind.Absolute, out var from)
                && string.Equals(from.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase)
            )
            ? null
            : $"refused: a request from another site (Origin {origin})";
    }

    private static bool Same(byte[] a, byte[] b) => CryptographicOperations.FixedTimeEquals(a, b);
}

/// <summary>Where the admin commands reach the daemon's control API.</summary>
internal static class ControlClient
{
    /// <summary>The first listen address, with a wildcard bind reached on loopback.</summary>
    public static Uri BaseAddress(Uri bound) =>
        bound.Host is "0.0.0.0" or "[::]" or "::"
            ? new UriBuilder(bound) { Host = "127.0.0.1", Path = "/" }.Uri
            : new UriBuilder(bound) { Path = "/" }.Uri;
}
