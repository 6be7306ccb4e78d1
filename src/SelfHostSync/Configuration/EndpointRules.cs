using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Configuration;

/// <summary>A Proxmox VE or Backup Server endpoint: URL, API token or ticket login, secret, fingerprint, limits.</summary>
internal static partial class EndpointRules
{
    internal static ProxmoxEndpoint? Endpoint(ProxmoxProduct product, string key, EndpointOptions e, List<string> problems, List<string> secrets)
    {
        var before = problems.Count;
        if (string.IsNullOrWhiteSpace(e.Name))
        {
            problems.Add($"{key}.Name: required");
        }

        if (!Uri.TryCreate(e.Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"{key}.Url: '{e.Url}' is not an https:// URL");
        }

        var (user, secret, ticket) = Credentials(key, e, problems);
        if (secret is not null)
        {
            secrets.Add(secret);
        }

        var fingerprint = ConfigValues.Fingerprint(key, e.Fingerprint, problems);
        if (fingerprint is not null && e.InsecureSkipVerify)
        {
            problems.Add(
                $"{key}: Fingerprint and InsecureSkipVerify together would ignore the pin; keep the Fingerprint and remove InsecureSkipVerify"
            );
        }

        if (e.MaxConcurrentRequests is < 1 or > 64)
        {
            problems.Add($"{key}.MaxConcurrentRequests: {e.MaxConcurrentRequests} is outside 1–64");
        }

        TimeSpan? timeout = e.Timeout is null ? null : ConfigValues.RequestTimeout($"{key}.Timeout", e.Timeout, problems);
        if (problems.Count > before)
        {
            return null;
        }

        return new ProxmoxEndpoint(
            product,
            e.Name!,
            url!,
            user!,
            ticket ? string.Empty : secret!,
            fingerprint,
            e.InsecureSkipVerify,
            e.MaxConcurrentRequests ?? 4,
            timeout
        )
        {
            Password = ticket ? secret : null,
        };
    }

    /// <summary>An API token (TokenId + TokenSecret[File]) or, as the option, ticket login (Username + Password[File]).</summary>
    internal static (string? User, string? Secret, bool Ticket) Credentials(string key, EndpointOptions e, List<string> problems)
    {
        var hasToken = !string.IsNullOrWhiteSpace(e.TokenId);
        var hasUser = !string.IsNullOrWhiteSpace(e.Username);
        if (hasToken && hasUser)
        {
            problems.Add($"{key}: set either TokenId (API token, recommended) or Username (ticket login), not both");
            return (null, null, false);
        }

        if (hasUser)
        {
            if (e.Username!.Contains('!', StringComparison.Ordinal) || !e.Username.Contains('@', StringComparison.Ordinal))
            {
                problems.Add($"{key}.Username: '{e.Username}' is not a user (user@realm); API tokens go in TokenId");
            }

            return (e.Username, ConfigValues.Secret($"{key}.Password", e.Password, e.PasswordFile, problems), true);
        }

        if (TokenIdProblem($"{key}.TokenId", e.TokenId) is { } problem)
        {
            problems.Add(problem);
        }

        return (e.TokenId, ConfigValues.Secret($"{key}.TokenSecret", e.TokenSecret, e.TokenSecretFile, problems), false);
    }

    /// <summary>
    /// PVE/PBS token ids: <c>user@realm!tokenname</c> (pve-access-control <c>pve-tokenid</c>: token names start with a
    /// letter, then letters, digits, <c>.</c>, <c>-</c>, <c>_</c>). A pasted <c>user@realm!name=secret</c> is refused
    /// without repeating the value, which would carry the secret into every output.
    /// </summary>
    internal static string? TokenIdProblem(string key, string? tokenId)
    {
        if (tokenId is not null && TokenIdPattern().IsMatch(tokenId))
        {
            return null;
        }

        if (tokenId is not null && tokenId.IndexOfAny(['=', ':', ' ', '\t']) > 0 && tokenId.Contains('!', StringComparison.Ordinal))
        {
            var bang = tokenId.IndexOf('!', StringComparison.Ordinal);
            var name = new string(tokenId[(bang + 1)..].TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_').ToArray());
            return $"{key}: '{tokenId[..bang]}!{name}' is followed by more (the secret?): TokenId is only user@realm!tokenname, the secret goes into TokenSecret or TokenSecretFile";
        }

        return $"{key}: '{tokenId}' is not an API token id (user@realm!tokenname)";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[^\s:/!@]+@[A-Za-z][A-Za-z0-9.\-_]*![A-Za-z][A-Za-z0-9.\-_]*$")]
    private static partial System.Text.RegularExpressions.Regex TokenIdPattern();
}
