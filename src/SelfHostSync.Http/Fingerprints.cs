using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SelfHostSync.Http;

/// <summary>SHA-256 certificate fingerprints as Proxmox shows them (any case, colons optional).</summary>
public static class Fingerprints
{
    /// <summary>Upper-case hex without separators, or null when <paramref name="text"/> is not 32 bytes of hex.</summary>
    public static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var hex = text.Replace(":", string.Empty, StringComparison.Ordinal).Trim().ToUpperInvariant();
        return hex.Length == 64 && hex.All(Uri.IsHexDigit) ? hex : null;
    }

    public static string Of(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData));

    /// <summary>AB:CD:… as PVE displays it.</summary>
    public static string Display(string normalized) =>
        string.Join(':', Enumerable.Range(0, normalized.Length / 2).Select(i => normalized.Substring(i * 2, 2)));
}
