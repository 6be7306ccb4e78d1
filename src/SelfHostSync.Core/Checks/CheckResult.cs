namespace SelfHostSync.Core.Checks;

public enum CheckStatus
{
    Pass,
    Warn,
    Fail,
    Unknown,
}

/// <summary>The outcome of one check with a one-line detail for people.</summary>
/// <param name="Id">The check id, e.g. <c>restore.tested</c>.</param>
/// <param name="Status">pass, warn, fail or unknown.</param>
/// <param name="Detail">"newest backup 3 d 4 h old, policy 30 h".</param>
/// <param name="EvidenceAt">When the evidence the check relied on was made, when there is one.</param>
public sealed record CheckResult(string Id, CheckStatus Status, string Detail, DateTimeOffset? EvidenceAt = null)
{
    public static CheckResult Pass(string id, string detail, DateTimeOffset? at = null) => new(id, CheckStatus.Pass, detail, at);

    public static CheckResult Fail(string id, string detail, DateTimeOffset? at = null) => new(id, CheckStatus.Fail, detail, at);

    public static CheckResult Unknown(string id, string detail) => new(id, CheckStatus.Unknown, detail);
}

public static class CheckStatusCodes
{
    public static string ToCode(this CheckStatus status) =>
        status switch
        {
            CheckStatus.Pass => "pass",
            CheckStatus.Warn => "warn",
            CheckStatus.Fail => "fail",
            _ => "unknown",
        };
}
