using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Drills;

/// <summary>A guest that may be drilled, as the last pass placed it.</summary>
public sealed record DrillCandidate(GuestKey Key, Level Level, string? Name);

/// <summary>Drill order: never successfully restored first, then the oldest last successful restore test; VMID breaks ties.</summary>
public static class DrillCandidates
{
    public static IReadOnlyList<DrillCandidate> Order(IEnumerable<DrillCandidate> guests, IEnumerable<RestoreTest> tests, DrillSettings settings)
    {
        var lastPassed = tests.Where(t => t.Passed).GroupBy(t => t.Guest).ToDictionary(g => g.Key, g => g.Max(t => t.At));
        return guests
            .Where(g => g.Key.Cluster == settings.Cluster && settings.Levels.Contains(g.Level) && !settings.Range.Contains(g.Key.Vmid))
            .OrderBy(g => lastPassed.TryGetValue(g.Key, out var at) ? at : DateTimeOffset.MinValue)
            .ThenBy(g => g.Key.Vmid)
            .ToList();
    }
}
