using System.Globalization;
using SelfHostSync.Http;

namespace SelfHostSync.Configuration;

/// <summary>Values every area reads the same way: durations, dates, TLS fingerprints, http(s) URLs, and secrets given inline or in a file (relative names resolve in the credentials directory).</summary>
internal static class ConfigValues
{
    /// <summary>
    /// Where relative secret file names resolve: systemd's <c>$CREDENTIALS_DIRECTORY</c> under the unit, else the
    /// <c>credentials/</c> directory next to the configuration file (<c>/etc/selfhostsync/credentials</c>), so admin
    /// commands run by hand find the same secrets as the daemon.
    /// </summary>
    internal static readonly AsyncLocal<string?> CredentialsDirectory = new();

    /// <summary>A certificate pin, normalised (either case, colons optional), or null when none is given.</summary>
    internal static string? Fingerprint(string key, string? text, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var normalized = Fingerprints.Normalize(text);
        if (normalized is null)
        {
            problems.Add($"{key}.Fingerprint: not a SHA-256 fingerprint (64 hex digits, colons optional)");
        }

        return normalized;
    }

    /// <summary>A secret given inline or read from a file (relative paths resolve in <see cref="CredentialsDirectory"/>).</summary>
    internal static string? Secret(string key, string? inline, string? file, List<string> problems)
    {
        if (!string.IsNullOrEmpty(inline))
        {
            return inline.Trim();
        }

        if (string.IsNullOrWhiteSpace(file))
        {
            problems.Add($"{key}: missing (set {key} or {key}File)");
            return null;
        }

        var credentials = CredentialsDirectory.Value;
        var path = !Path.IsPathRooted(file) && credentials is not null ? Path.Combine(credentials, file) : file;

        // The unit loads the whole credentials directory (LoadCredential=selfhostsync:/etc/selfhostsync/credentials):
        // systemd names each file selfhostsync_<file>.
        if (
            !Path.IsPathRooted(file)
            && credentials is not null
            && !File.Exists(path)
            && File.Exists(Path.Combine(credentials, $"selfhostsync_{file}"))
        )
        {
            path = Path.Combine(credentials, $"selfhostsync_{file}");
        }
        try
        {
            var value = File.ReadAllText(path).Trim();
            if (value.Length == 0)
            {
                problems.Add($"{key}File: '{path}' is empty");
                return null;
            }

            return value;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add(
                ex is UnauthorizedAccessException
                    ? $"{key}File: '{path}' cannot be read (permission denied for {Environment.UserName}): the secrets are root's and systemd hands them to the service; run admin commands as root (sudo selfhostsync …)"
                    : $"{key}File: '{path}' cannot be read ({(ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : "I/O error")})"
            );
            return null;
        }
    }

    internal static DateOnly? Date(string key, string? text, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }

        problems.Add($"{key}: '{text}' is not a date (yyyy-MM-dd)");
        return null;
    }

    /// <summary>A request's attempt timeout: the retry pipeline (Polly) takes 10 ms to 24 h in all, so 10 ms to 1 h each.</summary>
    internal static TimeSpan RequestTimeout(string key, string? text, List<string> problems)
    {
        var timeout = Span(key, text, TimeSpan.FromSeconds(30), problems);
        if (timeout >= TimeSpan.FromMilliseconds(10) && timeout <= TimeSpan.FromHours(1))
        {
            return timeout;
        }

        problems.Add($"{key}: '{text}' is not between 10 milliseconds and 1 hour");
        return TimeSpan.FromSeconds(30);
    }

    internal static TimeSpan Span(string key, string? text, TimeSpan fallback, List<string> problems)
    {
        if (text is null)
        {
            return fallback;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return span;
        }

        problems.Add($"{key}: '{text}' is not a positive duration (d.hh:mm:ss)");
        return fallback;
    }

    /// <summary>An http(s) URL; the whole URL is treated as a secret when it carries a token (query or user info).</summary>
    internal static Uri? HttpUrl(string key, string? text, List<string> problems, List<string> secrets)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"{key}: '{(text is null ? null : new string('*', Math.Min(text.Length, 8)))}' is not an http(s) URL");
            return null;
        }

        // Heartbeat and webhook URLs often are the secret (a Healthchecks UUID, a Kuma push token).
        secrets.Add(url.ToString());
        secrets.Add(text!);
        if (url.PathAndQuery.Length > 8)
        {
            secrets.Add(url.PathAndQuery.TrimStart('/'));
        }

        return url;
    }

    internal static string? OptionalSecret(string key, string? inline, string? file, List<string> problems, List<string> secrets)
    {
        if (string.IsNullOrEmpty(inline) && string.IsNullOrWhiteSpace(file))
        {
            return null;
        }

        var value = Secret(key, inline, file, problems);
        if (value is not null)
        {
            secrets.Add(value);
        }

        return value;
    }
}
