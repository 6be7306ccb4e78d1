using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Tags;

namespace SelfHostSync.Core.Tests.Tags;

public sealed class TagPlannerTests
{
    private static readonly TagVocabulary V = TagVocabulary.Default;

    private static DesiredTags Want(string[] desired, string[]? frozen = null) =>
        new(new HashSet<string>(desired, TagList.Comparer), new HashSet<string>(frozen ?? [], TagList.Comparer));

    [Fact]
    public void Plan_ForeignTags_AreKeptInOrder()
    {
        var plan = TagPlanner.Plan(["zeta", "prod", "alpha"], Want(["level-3b", "warn-no-offsite"]), V);
        Assert.Equal(["zeta", "prod", "alpha", "level-3b", "warn-no-offsite"], plan.After);
        Assert.Equal(["level-3b", "warn-no-offsite"], plan.Change.Add);
        Assert.Empty(plan.Change.Remove);
    }

    [Fact]
    public void Plan_StaleManagedTags_AreRemoved()
    {
        var plan = TagPlanner.Plan(["prod", "level-3a", "warn-no-backup"], Want(["level-3b"]), V);
        Assert.Equal(["prod", "level-3b"], plan.After);
        Assert.Equal(["level-3a", "warn-no-backup"], plan.Change.Remove);
    }

    [Fact]
    public void Plan_ManagedTagInOtherCase_CountsAsPresent()
    {
        var plan = TagPlanner.Plan(["Level-3B", "prod"], Want(["level-3b"]), V);
        Assert.False(plan.HasChanges);
        Assert.Equal(["Level-3B", "prod"], plan.After);
    }

    [Fact]
    public void Plan_FrozenTags_StayExactlyAsTheyAre()
    {
        var kept = TagPlanner.Plan(["warn-backup-stale"], Want([], ["warn-backup-stale"]), V);
        Assert.Equal(["warn-backup-stale"], kept.After);
        var absent = TagPlanner.Plan([], Want(["warn-backup-stale"], ["warn-backup-stale"]), V);
        Assert.Empty(absent.After);
    }

    [Fact]
    public void Plan_SteadyState_HasNoChanges()
    {
        var plan = TagPlanner.Plan(["prod", "level-3b", "warn-restore-untested"], Want(["level-3b", "warn-restore-untested"]), V);
        Assert.False(plan.HasChanges);
        Assert.Same(plan.Before, plan.After);
    }

    [Fact]
    public void Plan_ForeignLookalikes_AreNotTouched()
    {
        var plan = TagPlanner.Plan(["level-3", "warn-custom", "level-3b-old"], Want([]), V);
        Assert.False(plan.HasChanges);
    }

    [Fact]
    public void Apply_DuplicateManagedTags_AllCopiesRemoved()
    {
        var after = TagPlanner.Apply(["level-3a", "x", "LEVEL-3A"], new TagChange(["level-3b"], ["level-3a"]));
        Assert.Equal(["x", "level-3b"], after);
    }

    [Fact]
    public void Apply_OnFreshReadWithConcurrentEdit_KeepsTheOtherEdit()
    {
        var plan = TagPlanner.Plan(["prod"], Want(["level-3b"]), V);
        var fresh = new[] { "prod", "added-by-operator" };
        Assert.Equal(["prod", "added-by-operator", "level-3b"], TagPlanner.Apply(fresh, plan.Change));
    }

    [Fact]
    public void Effective_AlreadyApplied_IsEmpty()
    {
        var change = new TagChange(["level-3b"], ["level-3a"]);
        Assert.True(TagPlanner.Effective(["level-3b", "prod"], change).IsEmpty);
        Assert.Equal(["level-3b"], TagPlanner.Effective(["prod"], change).Add);
    }
}
