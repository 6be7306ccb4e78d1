using Microsoft.Extensions.Options;
using SelfHostSync.Http.Settings;

namespace SelfHostSync.Synology.Settings;

#pragma warning disable CA1056, CA2227 // URLs are strings in JSON; lists are bound by the configuration binder.

/// <summary>The Synology NAS of the <c>SelfHostSync</c> section, as written (see <see cref="SynologySources"/> for the records).</summary>
public sealed class SynologySourcesOptions
{
    [ValidateEnumeratedItems]
    public List<NasOptions> Synology { get; set; } = [];
}

public sealed class NasOptions
{
    [RequiredText]
    public string? Name { get; set; }

    [HttpsUrl("DSM's HTTPS port is usually 5001")]
    public string? Url { get; set; }

    [RequiredText("a DSM account in the administrators group")]
    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? PasswordFile { get; set; }

    public string? DeviceName { get; set; }

    public string? DeviceId { get; set; }

    public string? DeviceIdFile { get; set; }

    [Fingerprint]
    public string? Fingerprint { get; set; }

    public bool InsecureSkipVerify { get; set; }

    /// <summary>Hyper Backup to another Synology counts as off site (only when that NAS really is elsewhere).</summary>
    public bool RemoteVaultOffsite { get; set; }

    /// <summary>Hyper Backup destinations that are off site: <c>target_type:transfer_type</c> or a transfer type (C2 always is).</summary>
    public List<string> OffsiteDestinations { get; set; } = [];

    [RequestTimeout]
    public string? Timeout { get; set; }
}
