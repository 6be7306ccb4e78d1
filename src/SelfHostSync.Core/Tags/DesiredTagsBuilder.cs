using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Evidence;

namespace SelfHostSync.Core.Tags;

/// <summary>Turns a classification and its check results into the desired managed tags.</summary>
public static class DesiredTagsBuilder
{
    public static DesiredTags Build(GuestClassification classification, IReadOnlyList<CheckResult> checks, TagVocabulary vocabulary)
    {
        var desired = new HashSet<string>(TagList.Comparer);
        var frozen = new HashSet<string>(TagList.Comparer);
        if (!classification.Certain)
        {
            // Which checks apply depends on the level: leave every managed tag exactly as it is.
            frozen.UnionWith(vocabulary.Names);
            return new DesiredTags(desired, frozen);
        }

        if (vocabulary.LevelTag(classification.Level) is { } levelTag)
        {
            desired.Add(levelTag);
        }

        var noBackup = checks.Any(c => c.Id == CheckIds.BackupPresent && c.Status == CheckStatus.Fail);
        foreach (var check in checks)
        {
            var tag = vocabulary.WarningTag(check.Id);
            if (check.Status == CheckStatus.Unknown)
            {
                frozen.Add(tag);
            }
            else if (check.Status == CheckStatus.Fail && !(noBackup && CheckIds.NeedACopy.Contains(check.Id)))
            {
                desired.Add(tag);
            }
        }

        return new DesiredTags(desired, frozen);
    }
}
