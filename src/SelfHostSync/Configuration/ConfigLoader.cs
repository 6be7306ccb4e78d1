using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace SelfHostSync.Configuration;

/// <summary>
/// Finds and reads the configuration the .NET way: <c>--config</c>, else <c>$SELFHOSTSYNC_CONFIG</c>, else
/// <c>/etc/selfhostsync/appsettings.json</c>, else <c>./appsettings.json</c>; environment variables
/// (<c>SelfHostSync__…</c>) override.
/// </summary>
internal static class ConfigLoader
{
    public const string EnvVariable = "SELFHOSTSYNC_CONFIG";

    public static AppConfig Load(string? explicitPath, TimeProvider time)
    {
        var path = Resolve(explicitPath);
        var configuration = Read(path);
        var section = configuration.GetSection("SelfHostSync");
        var shape = ConfigShape.Check(section, typeof(SelfHostSyncOptions));
        if (shape.Count > 0)
        {
            throw new ConfigException(shape.Select(p => $"{Path.GetFileName(path)}: {p}").ToList());
        }

        SelfHostSyncOptions options;
        try
        {
            options = section.Get<SelfHostSyncOptions>(o => o.ErrorOnUnknownConfiguration = false) ?? new SelfHostSyncOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigException([$"{Path.GetFileName(path)}: {OneLine(ex.InnerException?.Message ?? ex.Message)}"]);
        }

        return ConfigValidator.Validate(path, options, time);
    }

    public static string Resolve(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath)
                : throw new ConfigException([$"--config: file '{explicitPath}' does not exist"]);
        }

        var fromEnv = Environment.GetEnvironmentVariable(EnvVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return File.Exists(fromEnv) ? Path.GetFullPath(fromEnv)
                : throw new ConfigException([$"{EnvVariable}: file '{fromEnv}' does not exist"]);
        }

        foreach (var candidate in new[] { "/etc/selfhostsync/appsettings.json", Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json") })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new ConfigException(["no configuration found: pass --config PATH, set SELFHOSTSYNC_CONFIG, or create /etc/selfhostsync/appsettings.json"]);
    }

    private static IConfigurationRoot Read(string path)
    {
        try
        {
            // Parse once ourselves for a precise line/position on bad JSON.
            using (var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }))
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new ConfigException([$"{path}: the top level must be a JSON object"]);
                }
            }

            return new ConfigurationBuilder()
                .AddJsonFile(path, optional: false, reloadOnChange: false)
                .AddEnvironmentVariables()
                .Build();
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
