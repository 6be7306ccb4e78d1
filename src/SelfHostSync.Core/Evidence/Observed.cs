namespace SelfHostSync.Core.Evidence;

/// <summary>Evidence that is either known or, because a source failed or could not see it, unknown.</summary>
public readonly record struct Observed<T>
{
    private Observed(bool isKnown, T? value, string? unknownReason)
    {
        IsKnown = isKnown;
        Value = value;
        UnknownReason = unknownReason;
    }

    public bool IsKnown { get; }

    public T? Value { get; }

    public string? UnknownReason { get; }

    public static Observed<T> Known(T value) => new(true, value, null);

    public static Observed<T> Unknown(string reason) => new(false, default, reason);
}
