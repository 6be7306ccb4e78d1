namespace SelfHostSync.Core.Drills;

/// <summary>The drill as it advances; each phase is written to the store so a crash shows where it stopped.</summary>
internal sealed class DrillTracker(DrillRecord initial, Action<DrillRecord>? observe)
{
    public DrillRecord Current { get; set; } = initial;

    public void Report() => observe?.Invoke(Current);

    public async Task PhaseAsync(string phase, IDrillStore store)
    {
        Current = Current with { Phase = phase };
        await store.UpdateDrillAsync(Current, CancellationToken.None);
        Report();
    }
}
