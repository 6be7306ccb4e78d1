using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SelfHostSync.Proxmox.Http;

/// <summary>
/// Certificate validation for one endpoint: a pinned leaf SHA-256 (the Proxmox way to trust self-signed
/// certificates), else normal CA validation, or — only when asked — none. Remembers a pin mismatch so the error
/// can name it in one line.
/// </summary>
internal sealed class TlsPolicy(ProxmoxEndpoint endpoint)
{
    private volatile string? _mismatch;

    /// <summary>The fingerprint the server presented when it did not match the pin, else null.</summary>
    public string? LastMismatch => _mismatch;

    public bool Validate(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (endpoint.InsecureSkipVerify)
        {
            return true;
        }

        if (endpoint.Fingerprint is { } pinned)
        {
            if (certificate is null)
            {
                return false;
            }

            using var leaf = new X509Certificate2(certificate);
            var seen = Fingerprints.Of(leaf);
            var ok = string.Equals(seen, pinned, StringComparison.Ordinal);
            _mismatch = ok ? null : seen;
            return ok;
        }

        return errors == SslPolicyErrors.None;
    }

    public SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        MaxConnectionsPerServer = Math.Max(1, endpoint.MaxConcurrentRequests),
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, cert, _, errors) => Validate(cert, errors),
        },
    };
}
