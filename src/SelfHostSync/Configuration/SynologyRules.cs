using SelfHostSync.Synology.Http;

namespace SelfHostSync.Configuration;

/// <summary>Synology NAS endpoints.</summary>
internal static class SynologyRules
{
    internal static List<SynologyEndpoint> Synology(List<SynologyOptions> list, List<string> problems, List<string> secrets)
    {
        var result = new List<SynologyEndpoint>();
        for (var i = 0; i < list.Count; i++)
        {
            var n = list[i];
            var key = $"Synology[{i}]";
            var before = problems.Count;
            if (string.IsNullOrWhiteSpace(n.Name))
            {
                problems.Add($"{key}.Name: required");
            }

            if (!Uri.TryCreate(n.Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"{key}.Url: '{n.Url}' is not an https:// URL (DSM's HTTPS port is usually 5001)");
            }

            if (string.IsNullOrWhiteSpace(n.Username))
            {
                problems.Add($"{key}.Username: required (a DSM account in the administrators group)");
            }

            var password = ConfigValues.Secret($"{key}.Password", n.Password, n.PasswordFile, problems);
            if (password is not null)
            {
                secrets.Add(password);
            }

            var deviceId = ConfigValues.OptionalSecret($"{key}.DeviceId", n.DeviceId, n.DeviceIdFile, problems, secrets);
            var fingerprint = ConfigValues.Fingerprint(key, n.Fingerprint, problems);
            if (fingerprint is not null && n.InsecureSkipVerify)
            {
                problems.Add(
                    $"{key}: Fingerprint and InsecureSkipVerify together would ignore the pin; keep the Fingerprint and remove InsecureSkipVerify"
                );
            }

            var timeout = ConfigValues.RequestTimeout($"{key}.Timeout", n.Timeout, problems);
            var destinations = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var d in n.OffsiteDestinations)
            {
                if (
                    string.IsNullOrWhiteSpace(d)
                    || d.Count(c => c == ':') > 1
                    || d.Trim().Split(':').Any(p => p.Length == 0)
                    || !destinations.Add(d.Trim())
                )
                {
                    problems.Add(
                        $"{key}.OffsiteDestinations: '{d}' is not a Hyper Backup destination (target_type:transfer_type, e.g. cloud_image:s3, or a transfer type), or is listed twice"
                    );
                }
            }

            if (problems.Count == before)
            {
                result.Add(
                    new SynologyEndpoint(
                        n.Name!,
                        url!,
                        n.Username!,
                        password!,
                        string.IsNullOrWhiteSpace(n.DeviceName) ? "selfhostsync" : n.DeviceName,
                        deviceId,
                        fingerprint,
                        n.InsecureSkipVerify,
                        n.RemoteVaultOffsite
                    )
                    {
                        Timeout = timeout,
                        OffsiteDestinations = destinations,
                    }
                );
            }
        }

        return result;
    }
}
