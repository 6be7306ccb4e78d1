using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SelfHostSync.Http.Settings;

namespace SelfHostSync.Configuration;

/// <summary>
/// Finds and reads the configuration the .NET way: <c>--config</c>, else <c>$SELFHOSTSYNC_CONFIG</c>, else
/// <c>/etc/selfhostsync/appsettings.json</c>, else <c>./appsettings.json</c>; environment variables
/// (<c>SelfHostSync__…</c>) override.
/// </summary>
internal static class ConfigLoader
{
    public const string EnvVariable = "SELFHOSTSYNC_CONFIG";

    public static AppConfig Load(string? explicitPath)
    {
        var path = Resolve(explicitPath);
        var file = Path.GetFileName(path);
        var configuration = Read(path);
        var (shape, badPaths) = ConfigShape.Check(configuration.GetSection(SettingsSection.Name), AppConfigFactory.Areas);

        // Every problem at once: what the shape check rejected is left out, the rest is bound and validated, and a
        // value problem about a key already reported is not said twice.
        var problems = shape.Select(p => $"{file}: {p}").ToList();
        var keys = shape.Select(p => p[..p.IndexOf(':', StringComparison.Ordinal)]).ToList();
        try
        {
            var config = AppConfigFactory.Create(path, badPaths.Count == 0 ? configuration : Without(configuration, badPaths));
            if (problems.Count == 0)
            {
                return config;
            }
        }
        catch (InvalidOperationException ex)
        {
            problems.Add($"{file}: {OneLine(ex.InnerException?.Message ?? ex.Message)}");
        }
        catch (ConfigException ex)
        {
            problems.AddRange(
                ex.Problems.Where(p =>
                        !keys.Any(k => p.StartsWith(k, StringComparison.Ordinal) && p.Length > k.Length && p[k.Length] is ':' or '.' or '[')
                    )
                    .Select(p => $"{file}: {p}")
            );
        }

        throw new ConfigException([.. problems.OrderBy(p => p[(file.Length + 2)..], KeyOrder.Instance)]);
    }

    /// <summary>
    /// Lines in the order of their keys (<c>Proxmox[2].Url</c> after <c>Proxmox[10]</c>'s predecessors, an entry's own lines
    /// together), whichever area's rule found them; lines about one key keep the order their rules gave.
    /// </summary>
    private sealed class KeyOrder : IComparer<string>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = Segments(x);
            var b = Segments(y);
            for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                var order =
                    int.TryParse(a[i], System.Globalization.CultureInfo.InvariantCulture, out var m)
                    && int.TryParse(b[i], System.Globalization.CultureInfo.InvariantCulture, out var n)
                        ? m.CompareTo(n)
                        : StringComparer.OrdinalIgnoreCase.Compare(a[i], b[i]);
                if (order != 0)
                {
                    return order;
                }
            }

            return a.Length.CompareTo(b.Length);
        }

        private static string[] Segments(string? line) =>
            (line ?? string.Empty)[..Math.Max(0, (line ?? string.Empty).IndexOf(": ", StringComparison.Ordinal))]
                .Split(['.', '[', ']'], StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// The configuration without the values at <paramref name="paths"/> (and what lies below them). A rejected list
    /// item keeps its place as an empty item, so the items after it keep their numbers in what the validators say.
    /// </summary>
    private static IConfiguration Without(IConfiguration configuration, IReadOnlyList<string> paths) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(
                configuration
                    .AsEnumerable()
                    .Where(kv =>
                        kv.Value is not null
                        && !paths.Any(p =>
                            kv.Key.Equals(p, StringComparison.OrdinalIgnoreCase) || kv.Key.StartsWith(p + ":", StringComparison.OrdinalIgnoreCase)
                        )
                    )
                    .Concat(
                        paths
                            .Where(p => int.TryParse(p[(p.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture, out _))
                            .Select(p => KeyValuePair.Create(p + ":_rejected", (string?)string.Empty))
                    )
            )
            .Build();

    public static string Resolve(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new ConfigException([$"--config: {Missing(explicitPath)}"]);
        }

        var fromEnv = Environment.GetEnvironmentVariable(EnvVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return File.Exists(fromEnv) ? Path.GetFullPath(fromEnv) : throw new ConfigException([$"{EnvVariable}: {Missing(fromEnv)}"]);
        }

        foreach (var candidate in new[] { "/etc/selfhostsync/appsettings.json", Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json") })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }

            // There, but not for us: say so, instead of falling through to "no configuration found".
            if (Unreadable(candidate) is { } why)
            {
                throw new ConfigException([why]);
            }
        }

        throw new ConfigException([
            "no configuration found: pass --config PATH, set SELFHOSTSYNC_CONFIG, or create /etc/selfhostsync/appsettings.json",
        ]);
    }

    /// <summary>
    /// Why a configuration path cannot be used: <see cref="File.Exists"/> says false both when there is no file and when
    /// a directory on the way may not be entered (a service user outside the group of <c>/etc/selfhostsync</c>).
    /// </summary>
    private static string Missing(string path) => Unreadable(path) ?? $"file '{path}' does not exist";

    /// <summary>A permission problem on the way to <paramref name="path"/>, with the mode and what is needed; null when there is none.</summary>
    internal static string? Unreadable(string path)
    {
        var full = Path.GetFullPath(path);
        for (var dir = Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            try
            {
                if (!Directory.Exists(dir))
                {
                    continue;
                }

                _ = Directory.EnumerateFileSystemEntries(dir).FirstOrDefault();
                break;
            }
            catch (UnauthorizedAccessException)
            {
                return $"'{full}' cannot be read: permission denied on directory '{dir}' (mode {Mode(dir)}); "
                    + $"{Environment.UserName} needs to be its owner or in its group with r-x, e.g. chgrp selfhostsync {dir} && chmod 0750 {dir}";
            }
        }

        try
        {
            if (File.Exists(full))
            {
                using var _ = File.OpenRead(full);
            }
        }
        catch (UnauthorizedAccessException)
        {
            return $"'{full}' cannot be read: permission denied (mode {Mode(full)}); {Environment.UserName} needs read access, e.g. chgrp selfhostsync {full} && chmod 0640 {full}";
        }

        return null;
    }

    private static string Mode(string path)
    {
        try
        {
            return OperatingSystem.IsWindows() ? "?" : Convert.ToString((int)File.GetUnixFileMode(path), 8).PadLeft(4, '0');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }

    private static IConfigurationRoot Read(string path)
    {
        try
        {
            // Parse once ourselves for a precise line/position on bad JSON.
            using (
                var doc = JsonDocument.Parse(
                    File.ReadAllText(path),
                    new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }
                )
            )
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new ConfigException([$"{path}: the top level must be a JSON object"]);
                }
            }

            return new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).AddEnvironmentVariables().Build();
        }
        catch (JsonException ex)
        {
            throw new ConfigException([$"{path}: invalid JSON at line {(ex.LineNumber ?? 0) + 1}, position {(ex.BytePositionInLine ?? 0) + 1}"]);
        }
        catch (UnauthorizedAccessException)
        {
            throw new ConfigException([$"{path}: not readable by this user"]);
        }
        catch (IOException ex)
        {
            throw new ConfigException([$"{path}: cannot be read ({ex.Message})"]);
        }
    }

    internal static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
