using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Http.Settings;
using SelfHostSync.Proxmox.Settings;

namespace SelfHostSync.Drills.Settings;

/// <summary>How the drill options join the settings container.</summary>
internal static class DrillSettingsRegistration
{
    public static IServiceCollection AddDrillSettings(this IServiceCollection services)
    {
        services
            .AddOptions<DrillAreaOptions>()
            .BindConfiguration(SettingsSection.Name)
            .WithAreaRules<DrillAreaOptions, DrillFieldRules, DrillRules>();
        return services;
    }
}

/// <summary>The rules on one value each (the attributes on <see cref="RestoreDrillsOptions"/>), generated.</summary>
[OptionsValidator]
internal sealed partial class DrillFieldRules : IValidateOptions<DrillAreaOptions>;

/// <summary>Once drills are placed: a configured cluster, a node and storage, a VMID range, timings that fit, the drill token.</summary>
internal sealed class DrillRules(SecretFiles secrets, IConfiguration configuration) : IValidateOptions<DrillAreaOptions>
{
    private const string Key = "RestoreDrills";

    public ValidateOptionsResult Validate(string? name, DrillAreaOptions options)
    {
        var d = options.RestoreDrills;
        var problems = new OptionProblems();
        if (!d.AnySet())
        {
            return problems.Result();
        }

        var clusters = SettingsSection.NamesIn(configuration, "Proxmox").ToList();
        if (d.Cluster is null || !clusters.Contains(d.Cluster, StringComparer.Ordinal))
        {
            problems.Add($"{Key}.Cluster: '{d.Cluster}' is not a configured Proxmox cluster ({string.Join(", ", clusters)})");
        }

        if (d.Node is null)
        {
            problems.Add(NamedAttribute.Line($"{Key}.Node", d.Node, "a node name"));
        }

        if (d.TargetStorage is null)
        {
            problems.Add(NamedAttribute.Line($"{Key}.TargetStorage", d.TargetStorage, "a PVE storage id"));
        }

        if (!VmidRange.TryParse(d.VmidRange, out var range, out var rangeError))
        {
            problems.Add($"{Key}.VmidRange: {rangeError}");
        }

        var timeout = Timeout(d);
        if (timeout < TimeSpan.FromSeconds(10) || timeout > TimeSpan.FromHours(24))
        {
            problems.Add($"{Key}.Timeout: {d.Timeout} is outside 00:00:10–1.00:00:00");
        }

        if (TimeSpan.FromSeconds(d.RunningSeconds ?? 120) >= timeout)
        {
            problems.Add(
                $"{Key}.RunningSeconds: {d.RunningSeconds ?? 120} s is not shorter than Timeout ({timeout}): every running probe would time out"
            );
        }

        var parallel = d.MaxParallel ?? 1;
        if (parallel is < 1 or > 8 || (range is not null && parallel > range.Count))
        {
            problems.Add($"{Key}.MaxParallel: {parallel} is outside 1–8 or larger than the VMID range");
        }

        foreach (var (text, _) in Levels(d).Where(l => l.Level is null))
        {
            problems.Add($"{Key}.Levels: '{text}' is not a level (0, 1, 2, 3a, 3b)");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < d.ApplicationProbes.Count; i++)
        {
            var p = d.ApplicationProbes[i];
            var key = $"{Key}.ApplicationProbes[{i}]";
            if (p.Command.Count == 0 || string.IsNullOrWhiteSpace(p.Command[0]))
            {
                problems.Add($"{key}.Command: give the program and its arguments as a list, e.g. [\"pg_isready\", \"-q\"]");
            }

            if (p.Name is not null && !names.Add(p.Name))
            {
                problems.Add($"{key}.Name: '{p.Name}' is used by another probe");
            }

            if (ProbeTimeout(p) >= timeout)
            {
                problems.Add($"{key}.Timeout: {ProbeTimeout(p)} is not shorter than {Key}.Timeout ({timeout})");
            }
        }

        if (HasToken(d))
        {
            if (TokenIds.Problem($"{Key}.TokenId", d.TokenId) is { } problem)
            {
                problems.Add(problem);
            }

            problems.Add(secrets.Read($"{Key}.TokenSecret", d.TokenSecret, d.TokenSecretFile));
        }

        return problems.Result();
    }

    internal static bool HasToken(RestoreDrillsOptions d) => d.TokenId is not null || d.TokenSecret is not null || d.TokenSecretFile is not null;

    internal static TimeSpan Timeout(RestoreDrillsOptions d) => Durations.Or(d.Timeout, TimeSpan.FromMinutes(30));

    internal static TimeSpan ProbeTimeout(ApplicationProbeOptions p) => Durations.Or(p.Timeout, TimeSpan.FromMinutes(1));

    internal static ApplicationProbe Probe(ApplicationProbeOptions p) =>
        new()
        {
            Name = p.Name!,
            Command = [.. p.Command],
            Tag = p.Tag,
            Pool = p.Pool,
            GuestName = p.GuestName,
            Timeout = ProbeTimeout(p),
            ExitCode = p.ExitCode ?? 0,
        };

    internal static IEnumerable<(string Text, Level? Level)> Levels(RestoreDrillsOptions d) =>
        (d.Levels ?? ["3b", "2"]).Select(text => (text, LevelCodes.TryParse(text, out var level) ? level : (Level?)null));
}
