using SelfHostSync.Daemon;

namespace SelfHostSync.Tests.Daemon;

/// <summary>
/// <c>/healthz</c>'s judgement: unhealthy once passes stop completing (older than twice the schedule's interval plus a
/// pass's budget), when a pass runs past its deadline, or when the loop crashed.
/// </summary>
public sealed class DaemonHealthTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);

    // Every 15 minutes, SourceTimeout 10 min: pass deadline 20 min, a completed pass expected within 2 × 15 + 20 = 50 min.
    public static TheoryData<string, double?, double?, double, bool, string?> Cases =>
        new()
        {
            { "just started, no pass yet", null, null, 1, false, null },
            { "first pass running a while", null, 0, 19, false, null },
            { "first pass past its deadline", null, 0, 21, false, "past its deadline of 20 min" },
            { "last pass 40 min ago", 20, null, 60, false, null },
            { "last pass 51 min ago", 9, null, 60, false, "no pass completed for 51 min" },
            { "never a pass in an hour", null, null, 60, false, "no pass completed for 1 h" },
            { "loop crashed", 59, null, 60, true, "the sync loop stopped" },
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Problem_PassesAndClock_AsExpected(
        string scenario,
        double? lastPassMinute,
        double? runningSinceMinute,
        double nowMinute,
        bool crashed,
        string? expected
    )
    {
        var health = new DaemonHealth("0 */15 * * * ?", TimeSpan.FromMinutes(10))
        {
            StartedAt = Start,
            LastPass = lastPassMinute is { } l ? Start.AddMinutes(l) : null,
            RunningSince = runningSinceMinute is { } r ? Start.AddMinutes(r) : null,
            Crashed = crashed,
        };

        var problem = health.Problem(Start.AddMinutes(nowMinute));

        if (expected is null)
        {
            Assert.True(problem is null, $"{scenario}: {problem}");
        }
        else
        {
            Assert.True(problem?.Contains(expected, StringComparison.Ordinal) == true, $"{scenario}: {problem}");
        }
    }
}
