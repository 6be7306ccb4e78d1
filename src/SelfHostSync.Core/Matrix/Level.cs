using System.Text.Json.Serialization;

namespace SelfHostSync.Core.Matrix;

/// <summary>A place on the self-hosting responsibility matrix; in reports as its code (0, 1, 2, 3a, 3b).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Level>))]
public enum Level
{
    /// <summary>0 — SaaS: the vendor owns hardware, services and backups.</summary>
    [JsonStringEnumMemberName("0")]
    Saas,

    /// <summary>1 — hosted or managed platform.</summary>
    [JsonStringEnumMemberName("1")]
    Managed,

    /// <summary>2 — VPS or cloud VM: the provider owns the hardware, you own everything above it.</summary>
    [JsonStringEnumMemberName("2")]
    Vps,

    /// <summary>3a — full-stack homelab: wipeable and rebuildable from documentation.</summary>
    [JsonStringEnumMemberName("3a")]
    Homelab,

    /// <summary>3b — full-stack production: monitored, backed up, restores tested.</summary>
    [JsonStringEnumMemberName("3b")]
    Production,
}

public static class LevelCodes
{
    public static IReadOnlyList<Level> All { get; } = [Level.Saas, Level.Managed, Level.Vps, Level.Homelab, Level.Production];

    public static string ToCode(this Level level) =>
        level switch
        {
            Level.Saas => "0",
            Level.Managed => "1",
            Level.Vps => "2",
            Level.Homelab => "3a",
            Level.Production => "3b",
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "unknown level"),
        };

    public static string Environment(this Level level) =>
        level switch
        {
            Level.Saas => "SaaS",
            Level.Managed => "Hosted / managed platform",
            Level.Vps => "VPS / cloud VM",
            Level.Homelab => "Full-stack homelab",
            Level.Production => "Full-stack production",
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "unknown level"),
        };

    /// <summary>Parses "0", "1", "2", "3a" or "3b" (case-insensitive, surrounding blanks ignored).</summary>
    public static bool TryParse(string? code, out Level level)
    {
        switch (code?.Trim().ToUpperInvariant())
        {
            case "0":
                level = Level.Saas;
                return true;
            case "1":
                level = Level.Managed;
                return true;
            case "2":
                level = Level.Vps;
                return true;
            case "3A":
                level = Level.Homelab;
                return true;
            case "3B":
                level = Level.Production;
                return true;
            default:
                level = default;
                return false;
        }
    }
}
