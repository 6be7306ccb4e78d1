using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Tags;

namespace SelfHostSync.Core.Classification;

/// <summary>How intent is read: user tags, rules, and the inference threshold (DESIGN §2).</summary>
public sealed record IntentSettings(IReadOnlyDictionary<string, Level> Tags, IReadOnlyList<IntentRule> Rules, int InferProductionFrom)
{
    public static IReadOnlyDictionary<string, Level> DefaultTags { get; } =
        new Dictionary<string, Level>(TagList.Comparer)
        {
            ["prod"] = Level.Production,
            ["production"] = Level.Production,
            ["lab"] = Level.Homelab,
            ["test"] = Level.Homelab,
            ["wipe"] = Level.Homelab,
        };

    public static IntentSettings Default { get; } = new(DefaultTags, [], 2);
}
