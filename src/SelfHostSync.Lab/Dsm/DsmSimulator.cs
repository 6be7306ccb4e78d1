using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Lab.Dsm;

/// <summary>
/// A stateful Synology DSM 7 web API: <c>query.cgi</c>/<c>auth.cgi</c>/<c>entry.cgi</c> with one dispatcher, sessions
/// (sid + SynoToken), device-token 2FA, auto-block after failed logins (407), HTTP 200 with an error envelope for
/// every API error (101–105, 106 expired, 119 unknown sid, 400–407), answering in the recorded shapes.
/// </summary>
public sealed class DsmSimulator
{
    private readonly SynologySpec _spec;
    private readonly DateTimeOffset _now;
    private readonly DsmAnswers _answers;
    private readonly ConcurrentDictionary<string, string> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _devices = new(StringComparer.Ordinal);
    private int _failedLogins;
    private int _logins;

    public DsmSimulator(SynologySpec spec, DateTimeOffset now)
    {
        _spec = spec;
        _now = now;
        _answers = new DsmAnswers(spec, now);
    }

    public string Name => _spec.Name;

    public SynologySpec Spec => _spec;

    public LabServer Server { get; private set; } = null!;

    /// <summary>Successful and failed logins so far (tests check that nothing hammers the login).</summary>
    public int Logins => Volatile.Read(ref _logins);

    public int FailedLogins => Volatile.Read(ref _failedLogins);

    public int ActiveSessions => _sessions.Count;

    /// <summary>Ends every session, as DSM does after its idle timeout: the next call gets 106.</summary>
    public void ExpireSessions()
    {
        foreach (var sid in _sessions.Keys)
        {
            _sessions[sid] = "expired";
        }
    }

    private int _expireAfterCalls = -1;

    /// <summary>Ends every session after <paramref name="calls"/> more authenticated calls (expiry in the middle of a pass).</summary>
    public void ExpireSessionsAfter(int calls) => Volatile.Write(ref _expireAfterCalls, calls);

    public async Task StartAsync(int port, CancellationToken cancellationToken) =>
        Server = await LabServer.StartAsync(_spec.Name, port, Map, cancellationToken);

    private void Map(WebApplication app, LabServer server)
    {
        foreach (var cgi in new[] { "query.cgi", "auth.cgi", "entry.cgi" })
        {
            app.MapMethods("/webapi/" + cgi, ["GET", "POST"], async (HttpContext ctx) =>
            {
                var p = await ParametersAsync(ctx);
                return Results.Json(Dispatch(p, server.Faults), statusCode: 200);
            });
        }
    }

    private static async Task<Dictionary<string, string>> ParametersAsync(HttpContext ctx)
    {
        var p = ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        if (ctx.Request.HasFormContentType)
        {
            foreach (var (k, v) in await ctx.Request.ReadFormAsync(ctx.RequestAborted))
            {
                p[k] = v.ToString();
            }
        }

        if (!p.ContainsKey("_sid") && ctx.Request.Cookies.TryGetValue("id", out var cookie))
        {
            p["_sid"] = cookie;
        }

        return p;
    }

    private object Dispatch(Dictionary<string, string> p, LabFaults faults)
    {
        if (Volatile.Read(ref _failedLogins) >= _spec.BlockAfterFailedLogins)
        {
            return Error(407);
        }

        if (
            !p.TryGetValue("api", out var api)
            || !p.TryGetValue("method", out var method)
            || !p.TryGetValue("version", out var versionText)
            || !int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
        )
        {
            return Error(101);
        }

        var apis = Apis();
        if (!apis.TryGetValue(api, out var range))
        {
            return Error(102);
        }

        if (version < range.Min || version > range.Max)
        {
            return Error(104);
        }

        if (api == "SYNO.API.Info")
        {
            return method == "query"
                ? Ok(
                    apis.ToDictionary(
                        kv => kv.Key,
                        kv =>
                            (object)
                                new
                                {
                                    maxVersion = kv.Value.Max,
                                    minVersion = kv.Value.Min,
                                    path = kv.Key == "SYNO.API.Info" ? "query.cgi" : "entry.cgi",
                                    requestFormat = "JSON",
                                }
                    )
                )
                : Error(103);
        }

        if (api == "SYNO.API.Auth")
        {
            return method switch
            {
                "login" => Login(p),
                "logout" => Logout(p),
                _ => Error(103),
            };
        }

        if (faults.RevokeTokens)
        {
            return Error(119);
        }

        if (!p.TryGetValue("_sid", out var sid) || !_sessions.TryGetValue(sid, out var state))
        {
            return Error(119);
        }

        if (state == "expired")
        {
            _sessions.TryRemove(sid, out _);
            return Error(106);
        }

        if (p.TryGetValue("SynoToken", out var token) && token != state)
        {
            return Error(119);
        }

        if (!_spec.Admin && api is not ("SYNO.DSM.Info" or "SYNO.DSM.Network"))
        {
            return Error(105);
        }

        if (Volatile.Read(ref _expireAfterCalls) >= 0 && Interlocked.Decrement(ref _expireAfterCalls) < 0)
        {
            ExpireSessions();
            _sessions.TryRemove(sid, out _);
            return Error(106);
        }

        return _answers.Answer(api, method, p) ?? Error(103);
    }

    private object Login(Dictionary<string, string> p)
    {
        if (p.GetValueOrDefault("account") != _spec.Account || p.GetValueOrDefault("passwd") != _spec.Password)
        {
            Interlocked.Increment(ref _failedLogins);
            return Error(400);
        }

        string? issuedDevice = null;
        if (_spec.Otp is { } otp)
        {
            var trusted = p.TryGetValue("device_id", out var device) && p.ContainsKey("device_name") && _devices.ContainsKey(device);
            if (!trusted)
            {
                if (!p.TryGetValue("otp_code", out var code))
                {
                    return Error(403);
                }

                if (code != otp)
                {
                    Interlocked.Increment(ref _failedLogins);
                    return Error(404);
                }

                if (p.GetValueOrDefault("enable_device_token") == "yes")
                {
                    issuedDevice = Random(18);
                    _devices[issuedDevice] = true;
                }
            }
        }

        Interlocked.Increment(ref _logins);
        var sid = Random(24);
        var synoToken = Random(12);
        _sessions[sid] = synoToken;
        var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["sid"] = sid, ["is_portal_port"] = false };
        if (p.GetValueOrDefault("enable_syno_token") == "yes")
        {
            data["synotoken"] = synoToken;
        }

        if (issuedDevice is not null)
        {
            data["device_id"] = issuedDevice;
        }

        return Ok(data);
    }

    private object Logout(Dictionary<string, string> p)
    {
        if (p.TryGetValue("_sid", out var sid))
        {
            _sessions.TryRemove(sid, out _);
        }

        return new { success = true };
    }

    private Dictionary<string, (int Min, int Max)> Apis()
    {
        var apis = new Dictionary<string, (int, int)>(StringComparer.Ordinal)
        {
            ["SYNO.API.Info"] = (1, 1),
            ["SYNO.API.Auth"] = (1, 7),
            ["SYNO.DSM.Info"] = (2, 2),
            ["SYNO.DSM.Network"] = (2, 2),
            ["SYNO.Core.System"] = (1, 3),
            ["SYNO.Core.Share"] = (1, 1),
            ["SYNO.Storage.CGI.Storage"] = (1, 1),
        };
        if (_spec.HyperBackupInstalled)
        {
            apis["SYNO.Backup.Task"] = (1, 2);
            apis["SYNO.SDS.Backup.Client.Common.Log"] = (1, 1);
        }

        if (_spec.ActiveBackupTasks.Count > 0)
        {
            apis["SYNO.ActiveBackup.Task"] = (1, 2);
        }

        if (_spec.ReplicationPlans.Count > 0)
        {
            apis["SYNO.DR.Plan"] = (1, 1);
        }

        return apis;
    }

    internal static object Ok(object data) => new { data, success = true };

    internal static object Error(int code) => new { error = new { code }, success = false };

    private static string Random(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
