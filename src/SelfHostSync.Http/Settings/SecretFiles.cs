using System.Collections.Concurrent;

namespace SelfHostSync.Http.Settings;

/// <summary>A secret as configured: its value, or why there is none (one line naming the key).</summary>
public readonly record struct SecretRead(string? Value, string? Problem);

/// <summary>
/// Secrets given inline or in a file. Relative file names resolve in the credentials directory: systemd's
/// <c>$CREDENTIALS_DIRECTORY</c> under the unit, else <c>credentials/</c> beside the configuration file
/// (<c>/etc/selfhostsync/credentials</c>), so admin commands run by hand find the same secrets as the daemon. Each file
/// is read once: the rule that reports a problem and the code that uses the value see the same read.
/// </summary>
public sealed class SecretFiles(string credentialsDirectory)
{
    private readonly ConcurrentDictionary<string, SecretRead> _files = new(StringComparer.Ordinal);

    public string CredentialsDirectory { get; } = credentialsDirectory;

    /// <summary>A required secret: <c>Key: missing (set Key or KeyFile)</c> when neither is given.</summary>
    public SecretRead Read(string key, string? inline, string? file)
    {
        if (!string.IsNullOrEmpty(inline))
        {
            return new SecretRead(inline.Trim(), null);
        }

        if (string.IsNullOrWhiteSpace(file))
        {
            return new SecretRead(null, $"{key}: missing (set {key} or {key}File)");
        }

        var read = _files.GetOrAdd(Resolve(file), ReadFile);
        return read.Problem is null ? read : read with { Problem = $"{key}File: {read.Problem}" };
    }

    /// <summary>A secret that may be left out: nothing when neither the value nor the file is given.</summary>
    public SecretRead Optional(string key, string? inline, string? file) =>
        string.IsNullOrEmpty(inline) && string.IsNullOrWhiteSpace(file) ? default : Read(key, inline, file);

    /// <summary>The unit loads the whole credentials directory (<c>LoadCredential=selfhostsync:…</c>): systemd names each file <c>selfhostsync_&lt;file&gt;</c>.</summary>
    private string Resolve(string file)
    {
        if (Path.IsPathRooted(file))
        {
            return file;
        }

        var path = Path.Combine(CredentialsDirectory, file);
        var systemd = Path.Combine(CredentialsDirectory, $"selfhostsync_{file}");
        return !File.Exists(path) && File.Exists(systemd) ? systemd : path;
    }

    private static SecretRead ReadFile(string path)
    {
        try
        {
            var value = File.ReadAllText(path).Trim();
            return value.Length == 0 ? new SecretRead(null, $"'{path}' is empty") : new SecretRead(value, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new SecretRead(
                null,
                ex is UnauthorizedAccessException
                    ? $"'{path}' cannot be read (permission denied for {Environment.UserName}): the secrets are root's and systemd hands them to the service; run admin commands as root (sudo selfhostsync …)"
                    : $"'{path}' cannot be read ({(ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : "I/O error")})"
            );
        }
    }
}
