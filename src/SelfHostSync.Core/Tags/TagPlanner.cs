using SelfHostSync.Core.Evidence;

namespace SelfHostSync.Core.Tags;

/// <summary>Plans and applies changes to the managed subset of a guest's tags; every other tag is preserved.</summary>
public static class TagPlanner
{
    public static TagPlan Plan(IReadOnlyList<string> current, DesiredTags desired, TagVocabulary vocabulary)
    {
        var present = new HashSet<string>(current, TagList.Comparer);
        var add = new List<string>();
        var remove = new List<string>();
        foreach (var name in vocabulary.Names)
        {
            if (desired.Frozen.Contains(name))
            {
                continue;
            }

            var want = desired.Desired.Contains(name);
            var has = present.Contains(name);
            if (want && !has)
            {
                add.Add(name);
            }
            else if (!want && has)
            {
                remove.Add(name);
            }
        }

        add.Sort(StringComparer.Ordinal);
        remove.Sort(StringComparer.Ordinal);
        var change = new TagChange(add, remove);
        return new TagPlan(current, Apply(current, change), change);
    }

    /// <summary>
    /// Applies a managed-subset change to a tag list (typically a fresh read): removes the named managed tags in any
    /// case, keeps every other tag in its order and spelling, and appends added tags that are not already there.
    /// </summary>
    public static IReadOnlyList<string> Apply(IReadOnlyList<string> current, TagChange change)
    {
        if (change.IsEmpty)
        {
            return current;
        }

        var remove = new HashSet<string>(change.Remove, TagList.Comparer);
        var result = current.Where(t => !remove.Contains(t)).ToList();
        var present = new HashSet<string>(result, TagList.Comparer);
        result.AddRange(change.Add.Where(present.Add));
        return result;
    }

    /// <summary>The change restricted to what actually differs for <paramref name="current"/>.</summary>
    public static TagChange Effective(IReadOnlyList<string> current, TagChange change)
    {
        var present = new HashSet<string>(current, TagList.Comparer);
        return new TagChange(change.Add.Where(t => !present.Contains(t)).ToList(), change.Remove.Where(present.Contains).ToList());
    }
}
