using System.Globalization;

namespace SelfHostSync.Http.Settings;

/// <summary>How option texts become values, the same way for the rule that checks them and the code that uses them.</summary>
public static class Durations
{
    public static readonly TimeSpan MinRequestTimeout = TimeSpan.FromMilliseconds(10);

    public static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromHours(1);

    /// <summary>A positive duration (<c>d.hh:mm:ss</c>; a bare number is days, as <see cref="TimeSpan.TryParse(string, IFormatProvider, out TimeSpan)"/> reads it).</summary>
    public static bool TryParse(string? text, out TimeSpan span) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out span) && span > TimeSpan.Zero;

    /// <summary>The duration <paramref name="text"/> names, or <paramref name="fallback"/> when it is unset (checked before).</summary>
    public static TimeSpan Or(string? text, TimeSpan fallback) => TryParse(text, out var span) ? span : fallback;

    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}

/// <summary>Where every area's options are bound: the <c>SelfHostSync</c> section of the configuration file.</summary>
public static class SettingsSection
{
    public const string Name = "SelfHostSync";

    /// <summary>The names given under <paramref name="list"/> (<c>Proxmox</c>, <c>Synology</c>, …), for rules that look across areas.</summary>
    public static IEnumerable<string> NamesIn(Microsoft.Extensions.Configuration.IConfiguration configuration, string list) =>
        configuration.GetSection($"{Name}:{list}").GetChildren().Select(c => c["Name"]).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!);
}
