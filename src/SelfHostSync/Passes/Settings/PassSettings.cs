using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Inventory;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Policies;
using SelfHostSync.Core.Tags;
using SelfHostSync.Http.Settings;

namespace SelfHostSync.Passes.Settings;

/// <summary>What a pass judges by, built from <see cref="SyncOptions"/> once every rule has passed.</summary>
internal static class PassSettings
{
    public static IServiceCollection AddPassSettings(this IServiceCollection services)
    {
        services.AddOptions<SyncOptions>().BindConfiguration(SettingsSection.Name).WithAreaRules<SyncOptions, SyncFieldRules, SyncRules>();
        return services;
    }

    /// <summary>Intent tags and rules; a rule that can never apply (an earlier one matches every guest it would) is a problem.</summary>
    internal static IntentSettings Intent(IntentOptions o, OptionProblems problems)
    {
        var tags = new Dictionary<string, Level>(IntentSettings.DefaultTags, TagList.Comparer);
        if (o.Tags is not null)
        {
            tags.Clear();
            foreach (var (tag, level) in o.Tags)
            {
                if (!TagList.IsValid(tag))
                {
                    problems.Add($"Intent.Tags: '{tag}' is not a valid Proxmox tag");
                }
                else if (!IntentLevelAttribute.TryParse(level, out var l))
                {
                    problems.Add($"Intent.Tags.{tag}: '{level}' is not 3a or 3b");
                }
                else
                {
                    tags[tag] = l;
                }
            }
        }

        var rules = new List<IntentRule>();
        var ruleIndex = new List<int>();
        for (var i = 0; i < o.Rules.Count; i++)
        {
            var r = o.Rules[i];
            VmidRange? range = null;
            if (r.Vmid is not null && VmidRange.TryParse(r.Vmid, out var parsed))
            {
                range = parsed;
            }

            if ((r.Vmid is not null && range is null) || !IntentLevelAttribute.TryParse(r.Level, out var level))
            {
                continue; // said by the rule on the value
            }

            if (r.Vmid is null && r.Name is null && r.Pool is null && r.Node is null && r.Tag is null && r.Cluster is null)
            {
                problems.Add($"Intent.Rules[{i}]: needs at least one of Vmid, Name, Pool, Node, Tag, Cluster");
                continue;
            }

            var rule = new IntentRule(level, range, r.Name, r.Pool, r.Node, r.Tag, r.Cluster);
            var shadow = rules.FindIndex(earlier => earlier.Shadows(rule));
            if (shadow >= 0)
            {
                problems.Add(
                    $"Intent.Rules[{i}]: never applies, Intent.Rules[{ruleIndex[shadow]}] ({rules[shadow].Describe()}) already matches every guest it would (first match wins); remove it or move it up"
                );
                continue;
            }

            rules.Add(rule);
            ruleIndex.Add(i);
        }

        return new IntentSettings(tags, rules, o.InferProductionFrom ?? 2);
    }

    /// <summary>Per-level overrides of the default policy table; keys are level codes.</summary>
    internal static PolicyTable Policies(Dictionary<string, PolicyOptions> o, OptionProblems problems)
    {
        var overrides = new Dictionary<Level, LevelPolicy>();
        foreach (var (code, p) in o)
        {
            if (!LevelCodes.TryParse(code, out var level))
            {
                problems.Add($"Policies.{code}: not a level (0, 1, 2, 3a, 3b)");
                continue;
            }

            var baseline = PolicyTable.Default.For(level);
            overrides[level] = baseline with
            {
                BackupMaxAge = Age(nameof(p.BackupMaxAge), p.BackupMaxAge, baseline.BackupMaxAge),
                VerifyMaxAge = Age(nameof(p.VerifyMaxAge), p.VerifyMaxAge, baseline.VerifyMaxAge),
                RestoreTestMaxAge = Age(nameof(p.RestoreTestMaxAge), p.RestoreTestMaxAge, baseline.RestoreTestMaxAge),
                OffsiteMaxAge = Age(nameof(p.OffsiteMaxAge), p.OffsiteMaxAge, baseline.OffsiteMaxAge),
            };

            TimeSpan? Age(string key, string? text, TimeSpan? fallback)
            {
                if (text is null)
                {
                    return fallback;
                }

                if (Durations.TryParse(text, out var span))
                {
                    return span;
                }

                problems.Add($"Policies.{code}.{key}: '{text}' is not a positive duration (d.hh:mm:ss)");
                return fallback;
            }
        }

        return new PolicyTable(overrides);
    }

    internal static List<InventoryEntry> Inventory(List<InventoryOptions> o) =>
        [
            .. o.Select(e => new InventoryEntry
            {
                Name = e.Name!,
                Level = InventoryLevelAttribute.TryParse(e.Level, out var level) ? level : Level.Saas,
                Vendor = e.Vendor,
                DataLocation = e.DataLocation,
                Mfa = e.Mfa,
                ExportTested = Date(e.ExportTested),
                LastBackup = Date(e.LastBackup),
                RestoreTested = Date(e.RestoreTested),
                Monitoring = e.Monitoring,
                Patched = Date(e.Patched),
            }),
        ];

    private static DateOnly? Date(string? text) => Durations.TryParseDate(text, out var date) ? date : null;
}
