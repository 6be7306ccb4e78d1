namespace SelfHostSync.Synology.Http;

public enum DsmErrorKind
{
    /// <summary>The package behind the API is not installed (102/103).</summary>
    NotInstalled,

    /// <summary>Session expired or replaced (106/107/119): log in again once.</summary>
    SessionLost,

    /// <summary>The account lacks permission (105): never retried.</summary>
    Permission,

    /// <summary>Login refused (400–411): never retried, so DSM's auto-block is never provoked.</summary>
    Login,

    /// <summary>Anything else DSM said no to, or a transport failure.</summary>
    Failed,
}

/// <summary>A DSM error with its code mapped to a one-line message; never carries the sid, token or password.</summary>
public sealed class DsmApiException : Exception
{
    public DsmApiException(DsmErrorKind kind, int? code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Code = code;
    }

    public DsmErrorKind Kind { get; }

    public int? Code { get; }
}

/// <summary>DSM's error tables: common codes for every API, and SYNO.API.Auth's own 4xx codes.</summary>
public static class DsmErrors
{
    public static string Common(int code) =>
        code switch
        {
            100 => "unknown error",
            101 => "no parameter of API, method or version",
            102 => "the requested API does not exist (package not installed)",
            103 => "the requested method does not exist",
            104 => "the requested version does not support the functionality",
            105 => "the logged in session does not have permission (the account must be in the administrators group)",
            106 => "session timeout",
            107 => "session interrupted by duplicated login",
            108 => "failed to upload the file",
            109 or 110 or 111 or 117 or 118 => "the network connection is unstable or the system is busy",
            114 => "lost parameters for this API",
            115 => "not allowed to upload a file",
            116 => "not allowed to perform for a demo site",
            119 => "invalid session (SID not found)",
            120 => "invalid parameter",
            150 => "request source IP does not match the login IP",
            160 => "insufficient application privilege",
            _ => $"error {code}",
        };

    public static string Auth(int code) =>
        code switch
        {
            400 => "no such account or incorrect password",
            401 => "account disabled",
            402 => "permission denied",
            403 => "two-factor authentication code required",
            404 => "failed to authenticate the two-factor code",
            405 => "app portal incorrect",
            406 => "two-factor authentication is enforced for this account",
            407 => "this IP address is blocked (DSM auto-block after failed logins)",
            408 => "password expired and cannot be changed",
            409 => "password expired",
            410 => "password must be changed",
            411 => "account locked",
            _ => Common(code),
        };

    public static DsmErrorKind KindOf(int code, bool login) =>
        code switch
        {
            102 or 103 => DsmErrorKind.NotInstalled,
            106 or 107 or 119 => DsmErrorKind.SessionLost,
            105 => DsmErrorKind.Permission,
            >= 400 and <= 411 when login => DsmErrorKind.Login,
            _ => DsmErrorKind.Failed,
        };
}
