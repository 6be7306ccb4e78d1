using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Http;
using SelfHostSync.Http.Settings;

namespace SelfHostSync.HomeAssistant.Settings;

/// <summary>Where and what to publish for Home Assistant, built from options every rule has passed.</summary>
public sealed record HomeAssistantSettings
{
    public const string DefaultDiscoveryPrefix = "homeassistant";

    public const string DefaultNodeId = "selfhostsync";

    public static IReadOnlyList<Level> DefaultLevels { get; } = [Level.Production, Level.Vps];

    public required string Host { get; init; }

    public required int Port { get; init; }

    public required bool Tls { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Normalised SHA-256 of the broker's certificate, or null for CA validation.</summary>
    public string? Fingerprint { get; init; }

    public bool InsecureSkipVerify { get; init; }

    public string DiscoveryPrefix { get; init; } = DefaultDiscoveryPrefix;

    public string NodeId { get; init; } = DefaultNodeId;

    public IReadOnlyList<Level> Levels { get; init; } = DefaultLevels;

    /// <summary>For log lines: the broker without credentials.</summary>
    public string Broker => $"{(Tls ? "mqtts" : "mqtt")}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";

    /// <summary>The broker, never the password (a record would print every member).</summary>
    public override string ToString() => Broker;

    /// <summary>Binds <see cref="HomeAssistantAreaOptions"/> from the <c>SelfHostSync</c> section and checks it when the container starts.</summary>
    public static IServiceCollection AddHomeAssistantSettings(IServiceCollection services)
    {
        services
            .AddOptions<HomeAssistantAreaOptions>()
            .BindConfiguration(SettingsSection.Name)
            .WithAreaRules<HomeAssistantAreaOptions, HomeAssistantFieldRules, HomeAssistantRules>();
        return services;
    }

    /// <summary>The settings, or null when the section is absent; the password joins <paramref name="known"/> secrets.</summary>
    public static HomeAssistantSettings? From(HomeAssistantAreaOptions options, SecretFiles secrets, ICollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(known);
        if (options.HomeAssistant is not { } o)
        {
            return null;
        }

        var url = new Uri(o.Broker!);
        var tls = url.Scheme == "mqtts";
        var host = url.HostNameType == UriHostNameType.IPv6 ? url.DnsSafeHost : url.Host;
        var password = o.Username is null ? null : secrets.Read("HomeAssistant.Password", o.Password, o.PasswordFile).Value;
        if (password is not null)
        {
            known.Add(password);
        }

        return new HomeAssistantSettings
        {
            Host = host,
            Port = url.IsDefaultPort || url.Port < 0 ? (tls ? 8883 : 1883) : url.Port,
            Tls = tls,
            Username = o.Username,
            Password = password,
            Fingerprint = string.IsNullOrWhiteSpace(o.Fingerprint) ? null : Fingerprints.Normalize(o.Fingerprint),
            InsecureSkipVerify = o.InsecureSkipVerify,
            DiscoveryPrefix = o.DiscoveryPrefix ?? DefaultDiscoveryPrefix,
            NodeId = o.NodeId ?? DefaultNodeId,
            Levels = o.Levels is null ? DefaultLevels : [.. o.Levels.Select(l => LevelCodes.TryParse(l, out var level) ? level : default).Distinct()],
        };
    }
}

/// <summary>The rules on one value each (the attributes on <see cref="HomeAssistantOptions"/>), generated.</summary>
[OptionsValidator]
internal sealed partial class HomeAssistantFieldRules : IValidateOptions<HomeAssistantAreaOptions>;

/// <summary>The rules across values: a broker is given, the password goes with a user, a pin needs TLS, levels are levels.</summary>
internal sealed class HomeAssistantRules(SecretFiles secrets, Microsoft.Extensions.Configuration.IConfiguration configuration)
    : IValidateOptions<HomeAssistantAreaOptions>
{
    public ValidateOptionsResult Validate(string? name, HomeAssistantAreaOptions options)
    {
        var problems = new OptionProblems();
        if (options.HomeAssistant is not { } o)
        {
            return problems.Result();
        }

        if (o.Username is not null)
        {
            problems.Add(secrets.Read("HomeAssistant.Password", o.Password, o.PasswordFile));
        }
        else if (o.Password is not null || o.PasswordFile is not null)
        {
            problems.Add("HomeAssistant.Username: required with a password (the broker would not be asked to check it)");
        }

        problems.IgnoredPin("HomeAssistant", o.Fingerprint, o.InsecureSkipVerify);
        var plain = o.Broker is not null && o.Broker.StartsWith("mqtt://", StringComparison.OrdinalIgnoreCase);
        if (plain && (!string.IsNullOrWhiteSpace(o.Fingerprint) || o.InsecureSkipVerify))
        {
            problems.Add("HomeAssistant.Broker: Fingerprint and InsecureSkipVerify are for TLS; use mqtts://");
        }

        // The binder reads [] as no list at all, which would mean the default levels.
        if (o.Levels is null && configuration.GetSection($"{SettingsSection.Name}:HomeAssistant").GetChildren().Any(c => c.Key == "Levels"))
        {
            problems.Add(
                "HomeAssistant.Levels: [] names no level; list the levels whose guests get a problem sensor, or leave Levels out for 3b and 2"
            );
        }

        foreach (var level in o.Levels ?? [])
        {
            if (!LevelCodes.TryParse(level, out _))
            {
                problems.Add($"HomeAssistant.Levels: '{level}' is not a level (0, 1, 2, 3a, 3b)");
            }
        }

        return problems.Result();
    }
}
