namespace SelfHostSync.Core.Tags;

/// <summary>What the managed subset of a guest's tags should become.</summary>
/// <param name="Desired">Managed tags that should be present.</param>
/// <param name="Frozen">Managed tags to leave exactly as they are (their evidence is unknown).</param>
public sealed record DesiredTags(IReadOnlySet<string> Desired, IReadOnlySet<string> Frozen);

/// <summary>A change to the managed subset only; applied to a fresh read right before writing.</summary>
public sealed record TagChange(IReadOnlyList<string> Add, IReadOnlyList<string> Remove)
{
    public static TagChange None { get; } = new([], []);

    public bool IsEmpty => Add.Count == 0 && Remove.Count == 0;
}

/// <summary>The plan for one guest: tags before, tags after, and the change between them.</summary>
public sealed record TagPlan(IReadOnlyList<string> Before, IReadOnlyList<string> After, TagChange Change)
{
    public bool HasChanges => !Change.IsEmpty;
}
