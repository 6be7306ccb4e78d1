using System.Text.RegularExpressions;

namespace SelfHostSync.Proxmox.Settings;

/// <summary>
/// PVE/PBS token ids: <c>user@realm!tokenname</c> (pve-access-control <c>pve-tokenid</c>: token names start with a
/// letter, then letters, digits, <c>.</c>, <c>-</c>, <c>_</c>).
/// </summary>
public static partial class TokenIds
{
    /// <summary>
    /// What is wrong with <paramref name="tokenId"/>, one line naming <paramref name="key"/>; null when nothing is. A pasted
    /// <c>user@realm!name=secret</c> is refused without repeating the value, which would carry the secret into every output.
    /// </summary>
    public static string? Problem(string key, string? tokenId)
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

    [GeneratedRegex(@"^[^\s:/!@]+@[A-Za-z][A-Za-z0-9.\-_]*![A-Za-z][A-Za-z0-9.\-_]*$")]
    private static partial Regex TokenIdPattern();
}
