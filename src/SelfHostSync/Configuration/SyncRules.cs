using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Inventory;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Policies;

namespace SelfHostSync.Configuration;

/// <summary>What a pass judges by: intent tags and rules (none unreachable), per-level policies, systems outside Proxmox.</summary>
internal static class SyncRules
{
    internal static IntentSettings Intent(IntentOptions o, List<string> problems)
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
                else if (!LevelCodes.TryParse(level, out var l) || l is not (Level.Homelab or Level.Production))
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
            var key = $"Intent.Rules[{i}]";
            VmidRange? range = null;
            if (r.Vmid is not null)
            {
                if (VmidRange.TryParse(r.Vmid, out var parsed))
                {
                    range = parsed;
                }
                else
                {
                    problems.Add($"{key}.Vmid: '{r.Vmid}' is not a VMID or range like 100-199");
                }
            }

            if (!LevelCodes.TryParse(r.Level, out var level) || level is not (Level.Homelab or Level.Production))
            {
                problems.Add($"{key}.Level: '{r.Level}' is not 3a or 3b");
                continue;
            }

            if (r.Vmid is null && r.Name is null && r.Pool is null && r.Node is null && r.Tag is null && r.Cluster is null)
            {
                problems.Add($"{key}: needs at least one of Vmid, Name, Pool, Node, Tag, Cluster");
                continue;
            }

            // A rule whose VMID range did not parse is reported above and matches nothing: left out, not built.
            if (r.Vmid is not null && range is null)
            {
                continue;
            }

            var rule = new IntentRule(level, range, r.Name, r.Pool, r.Node, r.Tag, r.Cluster);
            var shadow = rules.FindIndex(earlier => earlier.Shadows(rule));
            if (shadow >= 0)
            {
                problems.Add(
                    $"{key}: never applies, Intent.Rules[{ruleIndex[shadow]}] ({rules[shadow].Describe()}) already matches every guest it would (first match wins); remove it or move it up"
                );
                continue;
            }

            rules.Add(rule);
            ruleIndex.Add(i);
        }

        var threshold = o.InferProductionFrom ?? 2;
        if (threshold is < 1 or > 5)
        {
            problems.Add($"Intent.InferProductionFrom: {threshold} is outside 1–5 (there are 5 production signals)");
        }

        return new IntentSettings(tags, rules, threshold);
    }

    internal static PolicyTable Policies(Dictionary<string, PolicyOptions> o, List<string> problems)
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
                BackupMaxAge = Age($"Policies.{code}.BackupMaxAge", p.BackupMaxAge, baseline.BackupMaxAge),
                VerifyMaxAge = Age($"Policies.{code}.VerifyMaxAge", p.VerifyMaxAge, baseline.VerifyMaxAge),
                RestoreTestMaxAge = Age($"Policies.{code}.RestoreTestMaxAge", p.RestoreTestMaxAge, baseline.RestoreTestMaxAge),
                OffsiteMaxAge = Age($"Policies.{code}.OffsiteMaxAge", p.OffsiteMaxAge, baseline.OffsiteMaxAge),
            };

            TimeSpan? Age(string key, string? text, TimeSpan? fallback) =>
                text is null ? fallback : ConfigValues.Span(key, text, fallback ?? TimeSpan.Zero, problems);
        }

        return new PolicyTable(overrides);
    }

    internal static List<InventoryEntry> Inventory(List<InventoryOptions> o, List<string> problems)
    {
        var entries = new List<InventoryEntry>();
        for (var i = 0; i < o.Count; i++)
        {
            var e = o[i];
            var key = $"Inventory[{i}]";
            if (string.IsNullOrWhiteSpace(e.Name))
            {
                problems.Add($"{key}.Name: required");
                continue;
            }

            if (!LevelCodes.TryParse(e.Level, out var level) || level is Level.Homelab or Level.Production)
            {
                problems.Add($"{key}.Level: '{e.Level}' is not 0, 1 or 2 (guests in Proxmox are found by themselves)");
                continue;
            }

            entries.Add(
                new InventoryEntry
                {
                    Name = e.Name,
                    Level = level,
                    Vendor = e.Vendor,
                    DataLocation = e.DataLocation,
                    Mfa = e.Mfa,
                    ExportTested = ConfigValues.Date($"{key}.ExportTested", e.ExportTested, problems),
                    LastBackup = ConfigValues.Date($"{key}.LastBackup", e.LastBackup, problems),
                    RestoreTested = ConfigValues.Date($"{key}.RestoreTested", e.RestoreTested, problems),
                    Monitoring = e.Monitoring,
                    Patched = ConfigValues.Date($"{key}.Patched", e.Patched, problems),
                }
            );
        }

        return entries;
    }
}
