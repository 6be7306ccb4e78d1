using System.Text.Json;
using Refit;
using SelfHostSync.Synology.Http;

namespace SelfHostSync.Synology.Api;

/// <summary>
/// One DSM session: <c>SYNO.API.Info</c> discovery (cached; versions chosen within min/max), login with
/// <c>format=sid</c> and <c>enable_syno_token=yes</c> (trusted-device token for 2FA), the sid and SynoToken on every
/// call, every answer checked for <c>success</c> (DSM says HTTP 200 on errors). A lost session (106/107/119) is
/// re-established once; a refused login (400–411) or a permission error (105) is never retried, so DSM's auto-block
/// is never provoked by us.
/// </summary>
internal sealed class DsmSession(SynologyEndpoint endpoint, IDsmApi api) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<string, ApiInfoDto>? _info;
    private (string Sid, string? Token)? _session;
    private DsmApiException? _loginRefused;

    public string Prefix => $"dsm:{endpoint.Name}";

    public async Task<bool> HasAsync(string apiName, CancellationToken cancellationToken) =>
        (await InfoAsync(cancellationToken)).ContainsKey(apiName);

    /// <summary>Calls <paramref name="apiName"/>.<paramref name="method"/> at the highest version up to <paramref name="wanted"/>.</summary>
    public async Task<T> CallAsync<T>(
        string apiName,
        string method,
        int wanted,
        IReadOnlyDictionary<string, string> parameters,
        Func<IDsmApi, string, Dictionary<string, string>, CancellationToken, Task<DsmEnvelope<T>>> invoke,
        CancellationToken cancellationToken
    )
    {
        var info = await InfoAsync(cancellationToken);
        if (!info.TryGetValue(apiName, out var entry))
        {
            throw new DsmApiException(DsmErrorKind.NotInstalled, 102, $"{Prefix}: {apiName} is not available (package not installed)");
        }

        var version = Math.Min(wanted, entry.MaxVersion);
        if (version < entry.MinVersion)
        {
            throw new DsmApiException(
                DsmErrorKind.Failed,
                104,
                $"{Prefix}: {apiName} needs version {entry.MinVersion}+, SelfHostSync speaks {wanted}"
            );
        }

        for (var attempt = 0; ; attempt++)
        {
            var session = await SessionAsync(cancellationToken);
            var form = new Dictionary<string, string>(parameters, StringComparer.Ordinal)
            {
                ["api"] = apiName,
                ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["method"] = method,
                ["_sid"] = session.Sid,
            };
            if (session.Token is { } token)
            {
                // As a form field, not the X-SYNO-TOKEN header: tokens may hold non-ASCII characters.
                form["SynoToken"] = token;
            }

            var envelope = await Send(() => invoke(api, entry.Path, form, cancellationToken), $"{apiName}.{method}");
            if (envelope.Success)
            {
                return envelope.Data ?? throw new DsmApiException(DsmErrorKind.Failed, null, $"{Prefix}: {apiName}.{method}: answer has no data");
            }

            var code = envelope.Error?.Code ?? 100;
            var kind = DsmErrors.KindOf(code, login: false);
            if (kind == DsmErrorKind.SessionLost && attempt == 0)
            {
                Forget(session);
                continue;
            }

            throw new DsmApiException(kind, code, $"{Prefix}: {apiName}.{method}: {DsmErrors.Common(code)} ({code})");
        }
    }

    public void Dispose() => _gate.Dispose();

    public async Task LogoutAsync(CancellationToken cancellationToken)
    {
        if (_session is not { } session || _info is null || !_info.TryGetValue("SYNO.API.Auth", out var auth))
        {
            return;
        }

        _session = null;
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["api"] = "SYNO.API.Auth",
            ["version"] = Math.Min(7, auth.MaxVersion).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["method"] = "logout",
            ["_sid"] = session.Sid,
        };
        try
        {
            await api.LogoutAsync(auth.Path, form, cancellationToken);
        }
        catch (Exception ex) when (IsTransport(ex))
        {
            // The session expires on its own.
        }
    }

    /// <summary>One login with a one-time 2FA code that asks DSM for a trusted-device token; returns it.</summary>
    public async Task<string> EnrolDeviceAsync(string otpCode, CancellationToken cancellationToken)
    {
        var login = await LoginAsync(otpCode, cancellationToken);
        _session = (login.Sid!, login.SynoToken);
        return login.DeviceId
            ?? login.Did
            ?? throw new DsmApiException(DsmErrorKind.Login, null, $"{Prefix}: DSM accepted the code but returned no device token");
    }

    private async Task<Dictionary<string, ApiInfoDto>> InfoAsync(CancellationToken cancellationToken)
    {
        if (_info is { } cached)
        {
            return cached;
        }

        var envelope = await Send(() => api.QueryInfoAsync(cancellationToken), "SYNO.API.Info.query");
        if (!envelope.Success || envelope.Data is null)
        {
            throw new DsmApiException(
                DsmErrorKind.Failed,
                envelope.Error?.Code,
                $"{Prefix}: SYNO.API.Info.query: {DsmErrors.Common(envelope.Error?.Code ?? 100)}"
            );
        }

        _info = envelope.Data;
        return _info;
    }

    private async Task<(string Sid, string? Token)> SessionAsync(CancellationToken cancellationToken)
    {
        if (_session is { } current)
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_session is { } raced)
            {
                return raced;
            }

            // A refused login is remembered for the daemon's lifetime: retrying bad credentials gets the IP blocked (407).
            if (_loginRefused is not null)
            {
                throw _loginRefused;
            }

            var login = await LoginAsync(null, cancellationToken);
            _session = (login.Sid!, login.SynoToken);
            return _session.Value;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<LoginDto> LoginAsync(string? otpCode, CancellationToken cancellationToken)
    {
        var info = await InfoAsync(cancellationToken);
        var auth = info.GetValueOrDefault("SYNO.API.Auth") ?? new ApiInfoDto(7, 1, "auth.cgi");
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["api"] = "SYNO.API.Auth",
            ["version"] = Math.Min(7, auth.MaxVersion).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["method"] = "login",
            ["account"] = endpoint.Username,
            ["passwd"] = endpoint.Password,
            ["format"] = "sid",
            ["enable_syno_token"] = "yes",
        };
        if (otpCode is not null)
        {
            form["otp_code"] = otpCode;
            form["enable_device_token"] = "yes";
            form["device_name"] = endpoint.DeviceName;
        }
        else if (endpoint.DeviceId is { } device)
        {
            form["device_name"] = endpoint.DeviceName;
            form["device_id"] = device;
        }

        var envelope = await Send(() => api.LoginAsync(auth.Path, form, cancellationToken), "SYNO.API.Auth.login");
        if (envelope is { Success: true, Data.Sid: { Length: > 0 } })
        {
            return envelope.Data;
        }

        var code = envelope.Error?.Code ?? 100;
        var hint =
            code is 403 or 406 && endpoint.DeviceId is null
                ? ": enrol once with `selfhostsync doctor --synology-otp <code>` and set DeviceId"
                : string.Empty;
        var refused = new DsmApiException(
            DsmErrors.KindOf(code, login: true),
            code,
            $"{Prefix}: login as {endpoint.Username} refused: {DsmErrors.Auth(code)} ({code}){hint}"
        );
        if (refused.Kind == DsmErrorKind.Login && otpCode is null)
        {
            _loginRefused = refused;
        }

        throw refused;
    }

    private void Forget((string Sid, string? Token) session)
    {
        if (_session == session)
        {
            _session = null;
        }
    }

    private async Task<DsmEnvelope<T>> Send<T>(Func<Task<DsmEnvelope<T>>> call, string what)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (IsTransport(ex) || ex is JsonException)
        {
            throw new DsmApiException(DsmErrorKind.Failed, null, $"{Prefix}: {what}: {Describe(ex)}", ex);
        }
    }

    /// <summary>
    /// What a call through the client can fail with short of an answer: Refit wraps transport errors and Polly's
    /// timeouts in <see cref="ApiRequestException"/>, HTTP statuses in <see cref="ApiException"/>.
    /// </summary>
    private static bool IsTransport(Exception ex) =>
        ex is ApiExceptionBase or HttpRequestException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException;

    private static string Describe(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case JsonException json:
                    return $"malformed answer ({json.Message})";
                case System.Security.Authentication.AuthenticationException:
                    return "TLS certificate not trusted (check Fingerprint)";
                case HttpRequestException http when http.InnerException is null:
                    return http.Message;
                case TaskCanceledException or Polly.Timeout.TimeoutRejectedException:
                    return "timed out";
                case ApiException api when api.InnerException is null:
                    return $"HTTP {(int)api.StatusCode}";
            }
        }

        return ex.Message;
    }
}
