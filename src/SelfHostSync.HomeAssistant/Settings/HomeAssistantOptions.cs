using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using SelfHostSync.Http.Settings;

namespace SelfHostSync.HomeAssistant.Settings;

#pragma warning disable CA1056, CA2227 // URLs are strings in JSON; lists are bound by the configuration binder.

/// <summary>The <c>HomeAssistant</c> part of the <c>SelfHostSync</c> section, as written (see <see cref="HomeAssistantSettings"/>).</summary>
public sealed class HomeAssistantAreaOptions
{
    /// <summary>Absent: nothing is published.</summary>
    [ValidateObjectMembers]
    public HomeAssistantOptions? HomeAssistant { get; set; }
}

/// <summary>The MQTT broker Home Assistant listens on, and what to publish there.</summary>
public sealed class HomeAssistantOptions
{
    /// <summary><c>mqtt://host[:1883]</c>, or <c>mqtts://host[:8883]</c> for TLS.</summary>
    [MqttUrl]
    public string? Broker { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? PasswordFile { get; set; }

    /// <summary>Pins the broker's certificate (mqtts:// only), as for Proxmox endpoints.</summary>
    [Fingerprint]
    public string? Fingerprint { get; set; }

    public bool InsecureSkipVerify { get; set; }

    /// <summary>Home Assistant's discovery prefix (its MQTT integration's setting); default <c>homeassistant</c>.</summary>
    [TopicLevels]
    public string? DiscoveryPrefix { get; set; }

    /// <summary>Names this daemon on the broker: the device id, the discovery node id and the root of its state topics; default <c>selfhostsync</c>.</summary>
    [NodeId]
    public string? NodeId { get; set; }

    /// <summary>The levels whose guests get one problem sensor each; default <c>["3b", "2"]</c>.</summary>
    public List<string>? Levels { get; set; }
}

/// <summary>An MQTT broker URL: mqtt:// or mqtts://, a host, an optional port, nothing else.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MqttUrlAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        var key = OptionLineAttribute.KeyOf(validationContext);
        if (value is null)
        {
            return new ValidationResult($"{key}: required (e.g. mqtts://broker.lan:8883)");
        }

        if (
            !Uri.TryCreate(value as string, UriKind.Absolute, out var url)
            || url.Scheme is not ("mqtt" or "mqtts")
            || url.Host.Length == 0
            || url.Port == 0
        )
        {
            return new ValidationResult($"{key}: '{Shown(value as string)}' is not an mqtt:// or mqtts:// URL (e.g. mqtts://broker.lan:8883)");
        }

        if (url.UserInfo.Length > 0)
        {
            return new ValidationResult($"{key}: put the user in Username and the password in PasswordFile, not in the URL");
        }

        return url.AbsolutePath is "" or "/" && url.Query.Length == 0 && url.Fragment.Length == 0
            ? ValidationResult.Success
            : new ValidationResult($"{key}: '{value}' has a path; give only mqtt(s)://host[:port]");
    }

    /// <summary>The value without what may be a password (<c>user:password@</c>).</summary>
    private static string? Shown(string? text) =>
        text is null
            ? null
            : System.Text.RegularExpressions.Regex.Replace(
                text,
                "//[^/]*@",
                "//***@",
                System.Text.RegularExpressions.RegexOptions.None,
                TimeSpan.FromSeconds(1)
            );
}

/// <summary>Topic levels without wildcards: <c>homeassistant</c>, <c>ha/discovery</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TopicLevelsAttribute : OptionLineAttribute
{
    protected override string? Problem(object value) =>
        value is string text
        && text.Length > 0
        && !text.StartsWith('/')
        && !text.EndsWith('/')
        && !text.Contains("//", StringComparison.Ordinal)
        && text.IndexOfAny(['+', '#', '\0']) < 0
            ? null
            : $"'{value}' is not an MQTT topic prefix (levels separated by /, no + or #, no leading or trailing /)";
}

/// <summary>A discovery node id: letters, digits, _ and - (Home Assistant's rule for node_id).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NodeIdAttribute : OptionLineAttribute
{
    protected override string? Problem(object value) =>
        value is string text && text.Length is > 0 and <= 64 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? null
            : $"'{value}' is not a node id (letters, digits, _ and -, at most 64)";
}
