using System.Text.RegularExpressions;
using Quartz;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Proxmox.Gateways;

namespace SelfHostSync.Configuration;

/// <summary>The validated <c>RestoreDrills</c> section: where drills run, how they isolate and probe, with which token.</summary>
internal sealed record DrillConfig(bool Enabled, string Schedule, DrillSettings Settings, PveCluster Cluster);

/// <summary><c>RestoreDrills</c>: off by default; any key set means it must be complete.</summary>
internal static partial class DrillRules
{
    public const string DefaultDrillSchedule = "0 0 3 ? * SUN";

    internal static DrillConfig? Drills(RestoreDrillsOptions d, IReadOnlyList<PveCluster> clusters, List<string> problems, List<string> secrets)
    {
        const string Key = "RestoreDrills";
        var anySet = d.Enabled || d.Cluster is not null || d.Node is not null || d.TargetStorage is not null || d.VmidRange is not null;
        if (!anySet)
        {
            return null;
        }

        var before = problems.Count;
        var schedule = d.Schedule ?? DefaultDrillSchedule;
        try
        {
            _ = new CronExpression(schedule);
        }
        catch (FormatException)
        {
            problems.Add($"{Key}.Schedule: '{schedule}' is not a Quartz cron expression (e.g. \"0 0 3 ? * SUN\" for Sundays 03:00)");
        }

        var cluster = clusters.FirstOrDefault(c => c.Name == d.Cluster);
        if (cluster is null)
        {
            problems.Add($"{Key}.Cluster: '{d.Cluster}' is not a configured Proxmox cluster ({string.Join(", ", clusters.Select(c => c.Name))})");
        }

        Require($"{Key}.Node", d.Node, NamePattern(), "a node name", problems);
        Require($"{Key}.TargetStorage", d.TargetStorage, NamePattern(), "a PVE storage id", problems);
        if (!VmidRange.TryParse(d.VmidRange, out var range, out var rangeError))
        {
            problems.Add($"{Key}.VmidRange: {rangeError}");
        }

        var isolation = DrillIsolation.LinkDown;
        var isolationText = d.Isolation ?? "link-down";
        if (isolationText.StartsWith("bridge:", StringComparison.Ordinal) && NamePattern().IsMatch(isolationText["bridge:".Length..]))
        {
            isolation = new DrillIsolation(isolationText["bridge:".Length..]);
        }
        else if (isolationText != "link-down")
        {
            problems.Add($"{Key}.Isolation: '{isolationText}' is not link-down or bridge:<name>");
        }

        var probe = DrillProbe.Agent;
        if (d.Probe is not null && !Enum.TryParse(d.Probe, ignoreCase: true, out probe))
        {
            problems.Add($"{Key}.Probe: '{d.Probe}' is not agent or running");
        }

        if (d.RunningSeconds is < 5 or > 3600)
        {
            problems.Add($"{Key}.RunningSeconds: {d.RunningSeconds} is outside 5–3600");
        }

        var timeout = ConfigValues.Span($"{Key}.Timeout", d.Timeout, TimeSpan.FromMinutes(30), problems);
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

        if (d.FreeSpacePercent is < 0 or > 90)
        {
            problems.Add($"{Key}.FreeSpacePercent: {d.FreeSpacePercent} is outside 0–90");
        }

        var parallel = d.MaxParallel ?? 1;
        if (parallel is < 1 or > 8 || (range is not null && parallel > range.Count))
        {
            problems.Add($"{Key}.MaxParallel: {parallel} is outside 1–8 or larger than the VMID range");
        }

        var levels = new HashSet<Level>();
        foreach (var text in d.Levels ?? ["3b", "2"])
        {
            if (LevelCodes.TryParse(text, out var level))
            {
                levels.Add(level);
            }
            else
            {
                problems.Add($"{Key}.Levels: '{text}' is not a level (0, 1, 2, 3a, 3b)");
            }
        }

        PveCluster? drillCluster = cluster;
        if (cluster is not null && (d.TokenId is not null || d.TokenSecret is not null || d.TokenSecretFile is not null))
        {
            if (EndpointRules.TokenIdProblem($"{Key}.TokenId", d.TokenId) is { } problem)
            {
                problems.Add(problem);
            }

            var secret = ConfigValues.Secret($"{Key}.TokenSecret", d.TokenSecret, d.TokenSecretFile, problems);
            if (secret is not null)
            {
                secrets.Add(secret);
                drillCluster = cluster with
                {
                    Endpoint = cluster.Endpoint with { TokenId = d.TokenId ?? string.Empty, TokenSecret = secret, Password = null },
                };
            }
        }

        if (problems.Count > before || drillCluster is null || range is null)
        {
            return null;
        }

        var settings = new DrillSettings
        {
            Cluster = cluster!.Name,
            Node = d.Node!,
            TargetStorage = d.TargetStorage!,
            Range = range,
            Isolation = isolation,
            Probe = probe,
            RunningTime = TimeSpan.FromSeconds(d.RunningSeconds ?? 120),
            Timeout = timeout,
            MaxParallel = parallel,
            FreeSpaceMargin = (d.FreeSpacePercent ?? 10) / 100d,
            Redact = text => Output.Redaction.Redact(text, secrets),
            Levels = levels,
        };
        return new DrillConfig(d.Enabled, schedule, settings, drillCluster with { ScratchRange = range });
    }

    internal static void Require(string key, string? value, Regex pattern, string what, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value) || !pattern.IsMatch(value))
        {
            problems.Add($"{key}: '{value}' is not {what}");
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,62}$")]
    private static partial Regex NamePattern();
}
