namespace SelfHostSync.Core.Evidence;

/// <summary>
/// Evidence that is known, unknown (a source failed or could not see it), or partial: part of it could not be read
/// or may have been filtered, so <see cref="Value"/> holds what was seen, a lower bound of the truth.
/// </summary>
public readonly record struct Observed<T>
{
    private Observed(bool isKnown, T? value, string? unknownReason)
    {
        IsKnown = isKnown;
        Value = value;
        UnknownReason = unknownReason;
    }

    /// <summary>Complete: nothing was hidden.</summary>
    public bool IsKnown { get; }

    /// <summary>Not complete, but what was seen is in <see cref="Value"/>: only conclusions more evidence cannot overturn hold.</summary>
    public bool IsPartial => !IsKnown && Value is not null;

    public T? Value { get; }

    public string? UnknownReason { get; }

    public static Observed<T> Known(T value) => new(true, value, null);

    public static Observed<T> Unknown(string reason) => new(false, default, reason);

    public static Observed<T> Partial(T seen, string reason) => new(false, seen, reason);
}
