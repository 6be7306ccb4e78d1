using CsCheck;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Tags;

namespace SelfHostSync.Core.Tests.Tags;

/// <summary>Properties of the planner over random tag lists, desired sets and frozen sets.</summary>
public sealed class TagPlannerPropertyTests
{
    private static readonly TagVocabulary V = TagVocabulary.Create(new Dictionary<string, string> { ["level-3b"] = "prod-3b" }, out _);

    private static readonly Gen<string> ManagedTag = Gen.OneOf(V.Names.ToArray())
        .SelectMany(t => Gen.Bool.Select(upper => upper ? t.ToUpperInvariant() : t));

    private static readonly Gen<string> ForeignTag = Gen.OneOf(
        Gen.OneOf("prod", "lab", "wipe", "level-3", "warn-custom", "level-3b", "Prod", "k8s", "dns", "-invalid", "UPPER"),
        Gen.String[Gen.Char["abcxyz019-_+."], 1, 8]
    );

    private static readonly Gen<string[]> Current = Gen.OneOf(ManagedTag, ForeignTag).Array[0, 12];

    private static readonly Gen<DesiredTags> Desired = Gen.Select(Gen.OneOf(V.Names.ToArray()).Array[0, 6], Gen.OneOf(V.Names.ToArray()).Array[0, 4])
        .Select((d, f) => new DesiredTags(new HashSet<string>(d, TagList.Comparer), new HashSet<string>(f, TagList.Comparer)));

    [Fact]
    public void Plan_AnyInput_NeverAddsOrRemovesForeignTags()
    {
        Gen.Select(Current, Desired)
            .Sample(
                (current, desired) =>
                {
                    var plan = TagPlanner.Plan(current, desired, V);
                    var foreignBefore = current.Where(t => !V.IsManaged(t)).ToList();
                    var foreignAfter = plan.After.Where(t => !V.IsManaged(t)).ToList();
                    return foreignBefore.SequenceEqual(foreignAfter, StringComparer.Ordinal)
                        && plan.Change.Add.All(V.IsManaged)
                        && plan.Change.Remove.All(V.IsManaged);
                }
            );
    }

    [Fact]
    public void Plan_AppliedPlan_IsIdempotent()
    {
        Gen.Select(Current, Desired)
            .Sample(
                (current, desired) =>
                {
                    var plan = TagPlanner.Plan(current, desired, V);
                    var again = TagPlanner.Plan(plan.After, desired, V);
                    return !again.HasChanges;
                }
            );
    }

    [Fact]
    public void Plan_FrozenTags_KeepTheirPresence()
    {
        Gen.Select(Current, Desired)
            .Sample(
                (current, desired) =>
                {
                    var plan = TagPlanner.Plan(current, desired, V);
                    return desired.Frozen.All(f => current.Contains(f, TagList.Comparer) == plan.After.Contains(f, TagList.Comparer));
                }
            );
    }

    [Fact]
    public void Plan_NonFrozenManagedTags_MatchDesired()
    {
        Gen.Select(Current, Desired)
            .Sample(
                (current, desired) =>
                {
                    var plan = TagPlanner.Plan(current, desired, V);
                    var after = new HashSet<string>(plan.After, TagList.Comparer);
                    return V.Names.Where(n => !desired.Frozen.Contains(n)).All(n => after.Contains(n) == desired.Desired.Contains(n));
                }
            );
    }
}
