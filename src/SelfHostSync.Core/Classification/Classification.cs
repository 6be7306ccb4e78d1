using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Classification;

public enum IntentSource
{
    HardwareOwner,
    Tag,
    Rule,
    Inference,
}

/// <summary>Production signals of a guest: those seen, and those that could not be read.</summary>
public sealed record ProductionSignals(IReadOnlyList<string> Present, IReadOnlyList<string> Unknown)
{
    public int Count => Present.Count;
}

/// <summary>Where a guest sits on the matrix, and why.</summary>
/// <param name="Level">The level.</param>
/// <param name="Source">Which source of intent spoke.</param>
/// <param name="Reasons">Human-readable reasons, first the deciding one.</param>
/// <param name="Certain">False when unread evidence could change the level; its level tags are then left alone.</param>
/// <param name="Signals">Production signals seen.</param>
/// <param name="InDenial">Declared lab but shows production signals: true, false, or null when unknown.</param>
public sealed record GuestClassification(
    Level Level,
    IntentSource Source,
    IReadOnlyList<string> Reasons,
    bool Certain,
    ProductionSignals Signals,
    bool? InDenial
);
