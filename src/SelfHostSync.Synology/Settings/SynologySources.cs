using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfHostSync.Http;
using SelfHostSync.Http.Settings;
using SelfHostSync.Synology.Http;

namespace SelfHostSync.Synology.Settings;

/// <summary>The rules on one value each (the attributes on <see cref="NasOptions"/>), generated.</summary>
[OptionsValidator]
internal sealed partial class SynologySourcesFieldRules : IValidateOptions<SynologySourcesOptions>;

/// <summary>The rules across values: the password and device id (inline or in a file), a pin that would be ignored, off-site destinations.</summary>
internal sealed class SynologySourcesRules(SecretFiles secrets) : IValidateOptions<SynologySourcesOptions>
{
    public ValidateOptionsResult Validate(string? name, SynologySourcesOptions options)
    {
        var problems = new OptionProblems();
        for (var i = 0; i < options.Synology.Count; i++)
        {
            var n = options.Synology[i];
            var key = $"Synology[{i}]";
            problems.Add(secrets.Read($"{key}.Password", n.Password, n.PasswordFile));
            problems.Add(secrets.Optional($"{key}.DeviceId", n.DeviceId, n.DeviceIdFile));
            problems.IgnoredPin(key, n.Fingerprint, n.InsecureSkipVerify);

            var destinations = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (
                var d in n.OffsiteDestinations.Where(d =>
                    string.IsNullOrWhiteSpace(d)
                    || d.Count(c => c == ':') > 1
                    || d.Trim().Split(':').Any(p => p.Length == 0)
                    || !destinations.Add(d.Trim())
                )
            )
            {
                problems.Add(
                    $"{key}.OffsiteDestinations: '{d}' is not a Hyper Backup destination (target_type:transfer_type, e.g. cloud_image:s3, or a transfer type), or is listed twice"
                );
            }
        }

        return problems.Result();
    }
}

/// <summary>The NAS endpoints as the gateways take them, built from options every rule has passed.</summary>
public static class SynologySources
{
    /// <summary>Binds <see cref="SynologySourcesOptions"/> from the <c>SelfHostSync</c> section and checks it when the container starts.</summary>
    public static IServiceCollection AddSynologySettings(this IServiceCollection services)
    {
        services
            .AddOptions<SynologySourcesOptions>()
            .BindConfiguration(SettingsSection.Name)
            .WithAreaRules<SynologySourcesOptions, SynologySourcesFieldRules, SynologySourcesRules>();
        return services;
    }

    public static IReadOnlyList<SynologyEndpoint> Endpoints(SynologySourcesOptions options, SecretFiles secrets, ICollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(known);
        var result = new List<SynologyEndpoint>();
        for (var i = 0; i < options.Synology.Count; i++)
        {
            var n = options.Synology[i];
            var password = secrets.Read($"Synology[{i}].Password", n.Password, n.PasswordFile).Value!;
            var deviceId = secrets.Optional($"Synology[{i}].DeviceId", n.DeviceId, n.DeviceIdFile).Value;
            known.Add(password);
            if (deviceId is not null)
            {
                known.Add(deviceId);
            }

            result.Add(
                new SynologyEndpoint(
                    n.Name!,
                    new Uri(n.Url!),
                    n.Username!,
                    password,
                    string.IsNullOrWhiteSpace(n.DeviceName) ? "selfhostsync" : n.DeviceName,
                    deviceId,
                    string.IsNullOrWhiteSpace(n.Fingerprint) ? null : Fingerprints.Normalize(n.Fingerprint),
                    n.InsecureSkipVerify,
                    n.RemoteVaultOffsite
                )
                {
                    Timeout = Durations.Or(n.Timeout, TimeSpan.FromSeconds(30)),
                    OffsiteDestinations = n.OffsiteDestinations.Select(d => d.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase),
                }
            );
        }

        return result;
    }
}
