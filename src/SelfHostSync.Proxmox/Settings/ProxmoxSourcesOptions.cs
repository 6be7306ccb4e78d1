using Microsoft.Extensions.Options;
using SelfHostSync.Http.Settings;

namespace SelfHostSync.Proxmox.Settings;

// The file's text, bound as written: each rule quotes what the user wrote, and the settings records are built from
// these once every rule has passed (ProxmoxSources). URLs and durations stay strings for that reason.
#pragma warning disable CA1056, CA2227 // URLs are strings in JSON; lists are bound by the configuration binder.

/// <summary>The Proxmox VE clusters and Proxmox Backup Servers of the <c>SelfHostSync</c> section.</summary>
public sealed class ProxmoxSourcesOptions
{
    [ValidateEnumeratedItems]
    public List<PveOptions> Proxmox { get; set; } = [];

    [ValidateEnumeratedItems]
    public List<PbsOptions> BackupServers { get; set; } = [];
}

/// <summary>A Proxmox VE or Backup Server endpoint: URL, API token or ticket login, secret, fingerprint, limits.</summary>
public class EndpointOptions
{
    [RequiredText]
    public string? Name { get; set; }

    [HttpsUrl]
    public string? Url { get; set; }

    public string? TokenId { get; set; }

    public string? TokenSecret { get; set; }

    public string? TokenSecretFile { get; set; }

    /// <summary>Ticket login instead of a token: user@realm.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? PasswordFile { get; set; }

    [Fingerprint]
    public string? Fingerprint { get; set; }

    public bool InsecureSkipVerify { get; set; }

    [Within(1, 64)]
    public int? MaxConcurrentRequests { get; set; }

    [RequestTimeout]
    public string? Timeout { get; set; }
}

public sealed class PveOptions : EndpointOptions
{
    [OneOf(typeof(Core.Matrix.HardwareOwner), "Self or Provider")]
    public string? HardwareOwner { get; set; }

    [Duration]
    public string? ConfigRefresh { get; set; }
}

public sealed class PbsOptions : EndpointOptions
{
    public bool Offsite { get; set; }

    public List<string> OffsiteRemotes { get; set; } = [];

    /// <summary>Datastores with an S3 backend (PBS 4) keep their data in object storage elsewhere: off site.</summary>
    public bool S3Offsite { get; set; }
}
