namespace SelfHostSync.Proxmox.Http;

/// <summary>Which API family an endpoint speaks: the token header differs (<c>=</c> vs <c>:</c>).</summary>
public enum ProxmoxProduct
{
    Pve,
    Pbs,
}

/// <summary>How to reach one PVE cluster or PBS server, already validated.</summary>
/// <param name="Product">PVE or PBS.</param>
/// <param name="Name">The configured name (used in reports and logs).</param>
/// <param name="BaseUrl">e.g. https://pve1.lan:8006.</param>
/// <param name="TokenId">user@realm!tokenname, or user@realm when <see cref="Password"/> selects ticket login.</param>
/// <param name="TokenSecret">The token secret; never logged. Empty with ticket login.</param>
/// <param name="Fingerprint">SHA-256 of the leaf certificate to pin, normalised (upper-case hex, no colons), or null for CA validation.</param>
/// <param name="InsecureSkipVerify">Accept any certificate (warned on every run).</param>
/// <param name="MaxConcurrentRequests">Requests in flight at once to this endpoint.</param>
/// <param name="Timeout">Per-attempt timeout.</param>
public sealed record ProxmoxEndpoint(
    ProxmoxProduct Product,
    string Name,
    Uri BaseUrl,
    string TokenId,
    string TokenSecret,
    string? Fingerprint,
    bool InsecureSkipVerify = false,
    int MaxConcurrentRequests = 4,
    TimeSpan? Timeout = null
)
{
    public string Kind => Product == ProxmoxProduct.Pve ? "pve" : "pbs";

    /// <summary>When set, authenticate with a ticket (<c>POST /access/ticket</c>) as user <see cref="TokenId"/> instead of a token.</summary>
    public string? Password { get; init; }

    public bool UsesTicket => Password is not null;

    /// <summary>Who we are, for messages: "token user@realm!id" or "user user@realm".</summary>
    public string Identity => UsesTicket ? $"user {TokenId}" : $"token {TokenId}";

    public override string ToString() => $"{Kind}:{Name} ({BaseUrl})";
}
