using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SelfHostSync.Http;

/// <summary>
/// Certificate validation for one endpoint: a pinned leaf SHA-256 (the Proxmox way to trust self-signed
/// certificates), else normal CA validation, or — only when asked — none. Remembers a pin mismatch so the error
/// can name it in one line.
/// </summary>
/// <param name="fingerprint">Normalised SHA-256 to pin (see <see cref="Fingerprints"/>), or null for CA validation.</param>
/// <param name="insecureSkipVerify">Accept any certificate.</param>
/// <param name="maxConnections">Connections per server.</param>
public sealed class TlsPolicy(string? fingerprint, bool insecureSkipVerify, int maxConnections = 4)
{
    private volatile string? _mismatch;

    /// <summary>The fingerprint the server presented when it did not match the pin, else null.</summary>
    public string? LastMismatch => _mismatch;

    public bool Validate(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (insecureSkipVerify)
        {
            return true;
        }

        if (fingerprint is { } pinned)
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

    public SocketsHttpHandler CreatePrimaryHandler() =>
        new()
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            MaxConnectionsPerServer = Math.Max(1, maxConnections),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, cert, _, errors) => Validate(cert, errors) },
        };
}
