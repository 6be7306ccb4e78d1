namespace SelfHostSync.Synology.Http;

/// <summary>How to reach one DSM, already validated.</summary>
/// <param name="Name">The configured name.</param>
/// <param name="BaseUrl">e.g. https://nas.lan:5001.</param>
/// <param name="Username">A DSM account in the administrators group (storage and Hyper Backup need it).</param>
/// <param name="Password">Never logged.</param>
/// <param name="DeviceName">The trusted-device name for 2FA.</param>
/// <param name="DeviceId">The device token from a one-time OTP login (2FA), or null.</param>
/// <param name="Fingerprint">Normalised leaf SHA-256 to pin, or null for CA validation.</param>
/// <param name="InsecureSkipVerify">Accept any certificate (warned on every run).</param>
/// <param name="RemoteVaultOffsite">A Hyper Backup task to another Synology counts as off site (only when configured so).</param>
public sealed record SynologyEndpoint(
    string Name,
    Uri BaseUrl,
    string Username,
    string Password,
    string DeviceName,
    string? DeviceId,
    string? Fingerprint,
    bool InsecureSkipVerify = false,
    bool RemoteVaultOffsite = false
)
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Hyper Backup destinations (<c>target_type:transfer_type</c>, e.g. <c>cloud_image:s3</c>, or a transfer type alone)
    /// the operator declares off site. Synology C2 (<c>cloud_image:synocloud_swift</c>) is off site without it.
    /// </summary>
    public IReadOnlySet<string> OffsiteDestinations { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    public override string ToString() => $"dsm:{Name} ({BaseUrl})";
}
