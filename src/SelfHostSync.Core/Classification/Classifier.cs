using System.Globalization;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Classification;

/// <summary>Places guests on the matrix: hardware owner, then intent tag, rule, or inference (DESIGN §2).</summary>
public sealed class Classifier(IntentSettings intent, IReadOnlyDictionary<string, HardwareOwner> owners)
{
    public const string SignalHa = "HA-managed";
    public const string SignalProtection = "protection=1";
    public const string SignalOnBoot = "onboot=1";
    public const string SignalJob = "in an enabled backup job";
    public const string SignalProtectedBackups = "has protected backups";

    public GuestClassification Classify(GuestEvidence evidence)
    {
        var guest = evidence.Guest;
        var signals = Signals(evidence);
        if (owners.TryGetValue(guest.Key.Cluster, out var owner) && owner == HardwareOwner.Provider)
        {
            return new GuestClassification(
                Level.Vps,
                IntentSource.HardwareOwner,
                [$"cluster '{guest.Key.Cluster}' runs on provider hardware (HardwareOwner: Provider)"],
                Certain: true,
                signals,
                InDenial: false
            );
        }

        var threshold = intent.InferProductionFrom;
        var (declared, source, reason) = Declared(guest);
        if (declared is { } level)
        {
            var reasons = new List<string> { reason };
            bool? denial = false;
            if (level == Level.Homelab)
            {
                denial =
                    signals.Count >= threshold ? true
                    : signals.Count + signals.Unknown.Count >= threshold ? null
                    : false;
                if (denial == true)
                {
                    reasons.Add(
                        $"but shows {Count(signals.Count, "production signal")} ({string.Join(", ", signals.Present)}), threshold {threshold}: production in denial"
                    );
                }
                else if (denial is null)
                {
                    reasons.Add($"production signals could not all be read ({string.Join(", ", signals.Unknown)} unknown)");
                }
            }

            return new GuestClassification(level, source, reasons, Certain: true, signals, denial);
        }

        var production = signals.Count >= threshold;
        var certain = production || signals.Count + signals.Unknown.Count < threshold;
        var inferred = new List<string>
        {
            production
                ? $"inferred production: {Count(signals.Count, "production signal")} ({string.Join(", ", signals.Present)}), threshold {threshold}"
            : signals.Count == 0 ? $"inferred lab: no production signals, threshold {threshold}"
            : $"inferred lab: {Count(signals.Count, "production signal")} ({string.Join(", ", signals.Present)}), below threshold {threshold}",
            "no intent tag or rule",
        };
        if (!certain)
        {
            inferred.Add($"uncertain: {string.Join(", ", signals.Unknown)} could not be read, level tags left as they are");
        }

        return new GuestClassification(
            production ? Level.Production : Level.Homelab,
            IntentSource.Inference,
            inferred,
            certain,
            signals,
            InDenial: false
        );
    }

    private (Level? Level, IntentSource Source, string Reason) Declared(Guest guest)
    {
        var byTag = guest
            .Tags.Select(t => (Tag: t, Level: intent.Tags.TryGetValue(t, out var l) ? l : (Level?)null))
            .Where(x => x.Level is not null)
            .ToList();
        if (byTag.Count > 0)
        {
            var levels = byTag.Select(x => x.Level!.Value).Distinct().ToList();
            var chosen = levels.Contains(Level.Production) ? Level.Production : levels.Max();
            var tags = string.Join(", ", byTag.Select(x => $"'{x.Tag.ToLowerInvariant()}'"));
            var reason = levels.Count == 1 ? $"intent tag {tags}" : $"conflicting intent tags {tags}: the stricter level wins";
            return (chosen, IntentSource.Tag, reason);
        }

        for (var i = 0; i < intent.Rules.Count; i++)
        {
            var rule = intent.Rules[i];
            if (rule.Matches(guest))
            {
                return (rule.Level, IntentSource.Rule, string.Create(CultureInfo.InvariantCulture, $"rule #{i + 1} ({rule.Describe()})"));
            }
        }

        return (null, IntentSource.Inference, string.Empty);
    }

    internal static ProductionSignals Signals(GuestEvidence evidence)
    {
        var guest = evidence.Guest;
        var present = new List<string>();
        var unknown = new List<string>();
        if (guest.HaState is { } ha && !string.Equals(ha, "ignored", StringComparison.OrdinalIgnoreCase))
        {
            present.Add(SignalHa);
        }

        if (guest.Config is null)
        {
            unknown.Add(SignalProtection);
            unknown.Add(SignalOnBoot);
        }
        else
        {
            if (guest.Config.Protection)
            {
                present.Add(SignalProtection);
            }

            if (guest.Config.OnBoot)
            {
                present.Add(SignalOnBoot);
            }
        }

        if (!evidence.CoveringJobs.IsKnown)
        {
            unknown.Add(SignalJob);
        }
        else if (evidence.CoveringJobs.Value!.Any(j => j.Enabled))
        {
            present.Add(SignalJob);
        }

        if (evidence.Copies.Value?.Any(c => c.Protected) == true)
        {
            // Seen, even when other copies could not be read.
            present.Add(SignalProtectedBackups);
        }
        else if (!evidence.Copies.IsKnown)
        {
            unknown.Add(SignalProtectedBackups);
        }

        return new ProductionSignals(present, unknown);
    }

    private static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? string.Empty : "s")}");
}
