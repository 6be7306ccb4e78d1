using SelfHostSync.Core.Drills;
using SelfHostSync.Drills.Settings;
using SelfHostSync.Http.Settings;
using SelfHostSync.Proxmox.Gateways;

namespace SelfHostSync.Configuration;

/// <summary>The validated <c>RestoreDrills</c> section: where drills run, how they isolate and probe, with which token.</summary>
internal sealed record DrillConfig(bool Enabled, string Schedule, DrillSettings Settings, PveCluster Cluster)
{
    public const string DefaultSchedule = "0 0 3 ? * SUN";

    /// <summary>
    /// The drill settings from options every rule has passed, on <paramref name="clusters"/>' cluster of that name (with
    /// the drill token when one is set); null when drills are not configured.
    /// </summary>
    public static DrillConfig? From(
        RestoreDrillsOptions d,
        IReadOnlyList<PveCluster> clusters,
        SecretFiles secrets,
        ICollection<string> known,
        Func<string, string> redact
    )
    {
        if (!d.AnySet())
        {
            return null;
        }

        var cluster = clusters.First(c => c.Name == d.Cluster);
        if (DrillRules.HasToken(d))
        {
            var secret = secrets.Read("RestoreDrills.TokenSecret", d.TokenSecret, d.TokenSecretFile).Value!;
            known.Add(secret);
            cluster = cluster with
            {
                Endpoint = cluster.Endpoint with { TokenId = d.TokenId ?? string.Empty, TokenSecret = secret, Password = null },
            };
        }

        _ = VmidRange.TryParse(d.VmidRange, out var range, out _);
        var settings = new DrillSettings
        {
            Cluster = cluster.Name,
            Node = d.Node!,
            TargetStorage = d.TargetStorage!,
            Range = range!,
            Isolation = IsolationAttribute.Parse(d.Isolation)!,
            Probe = d.Probe is null ? DrillProbe.Agent : Enum.Parse<DrillProbe>(d.Probe, ignoreCase: true),
            RunningTime = TimeSpan.FromSeconds(d.RunningSeconds ?? 120),
            Timeout = DrillRules.Timeout(d),
            MaxParallel = d.MaxParallel ?? 1,
            FreeSpaceMargin = (d.FreeSpacePercent ?? 10) / 100d,
            Redact = redact,
            Levels = DrillRules.Levels(d).Select(l => l.Level!.Value).ToHashSet(),
            ApplicationProbes = [.. d.ApplicationProbes.Select(DrillRules.Probe)],
            KeepProven = d.ProtectProven ? d.KeepProven ?? 1 : 0,
            EscalateAfter = d.EscalateAfter ?? 3,
        };
        return new DrillConfig(d.Enabled, d.Schedule ?? DefaultSchedule, settings, cluster with { ScratchRange = range });
    }
}
