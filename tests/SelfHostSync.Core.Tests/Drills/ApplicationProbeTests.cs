using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Tests.Drills;

public sealed class ApplicationProbeTests
{
    private static readonly ClusterGuest Source = new(100, "pve1", "qemu", "db-main", ["prod", "postgres"], null, "running", false, "databases");
    private static readonly DrillCandidate Candidate = new(new GuestKey("homelab", 100), Level.Production, "db-main");

    private static readonly ApplicationProbe Ready = new()
    {
        Name = "pg",
        Command = ["pg_isready", "-q"],
        Tag = "postgres",
        Timeout = TimeSpan.FromMilliseconds(300),
    };

    public static TheoryData<string?, string?, string?, bool> Matches =>
        new()
        {
            { null, null, null, true },
            { "postgres", null, null, true },
            { "POSTGRES", "databases", "db-*", true },
            { "web", null, null, false },
            { null, "other", null, false },
            { null, null, "web-*", false },
            { null, null, "DB-MAIN", true },
        };

    [Theory]
    [MemberData(nameof(Matches))]
    public void AppliesTo_TagPoolAndNamePattern_AllGivenMustMatch(string? tag, string? pool, string? name, bool expected)
    {
        var probe = Ready with { Tag = tag, Pool = pool, GuestName = name };

        Assert.Equal(expected, probe.AppliesTo(Source));
    }

    [Fact]
    public async Task RunAsync_ProbeExitsZero_PassedWithOutcome()
    {
        var (cluster, store, runner) = Make(c => c.Commands["pg_isready"] = (new GuestExecStatus(true, 0, null, "accepting connections\n", null), 2));

        var result = await RunAsync(runner);

        Assert.Equal(DrillState.Passed, result.State);
        var outcome = Assert.Single(result.Probes);
        Assert.Equal(("pg", ProbeState.Passed, 0, "accepting connections"), (outcome.Name, outcome.State, outcome.ExitCode, outcome.Excerpt));
        Assert.True(Assert.Single(store.Evidence).Passed);
        Assert.Contains("exec pg_isready -q 9900", cluster.Calls);
        Assert.Contains("destroy 9900", cluster.Calls);
    }

    [Fact]
    public async Task RunAsync_ProbeExitsNonZero_DrillFailedWithNameAndRedactedExcerpt()
    {
        var (cluster, store, runner) = Make(
            c => c.Commands["pg_isready"] = (new GuestExecStatus(true, 2, null, null, "no response from db (password hunter2)\n"), 0),
            s => s with { Redact = t => t.Replace("hunter2", "***", StringComparison.Ordinal) }
        );

        var result = await RunAsync(runner);

        Assert.Equal(DrillState.Failed, result.State);
        Assert.Equal("application probe pg: exit 2 (expected 0): no response from db (password ***)", result.Reason);
        Assert.False(Assert.Single(store.Evidence).Passed);
        Assert.Contains("destroy 9900", cluster.Calls);
    }

    [Fact]
    public async Task RunAsync_ProbeNeverExits_TimedOutAtItsTimeoutAndCleanedUp()
    {
        var (cluster, _, runner) = Make(
            c => c.Commands["pg_isready"] = (new GuestExecStatus(true, 0, null, null, null), -1),
            s => s with { ApplicationProbes = [Ready with { Timeout = TimeSpan.FromMilliseconds(100) }] }
        );

        var result = await RunAsync(runner);

        Assert.Equal(DrillState.Failed, result.State);
        Assert.Equal(ProbeState.TimedOut, Assert.Single(result.Probes).State);
        Assert.Equal("application probe pg: no exit within its timeout", result.Reason);
        Assert.Contains("destroy 9900", cluster.Calls);
    }

    [Fact]
    public async Task RunAsync_AgentGoneMidProbe_FailedAndSaysSo()
    {
        var (cluster, _, runner) = Make(c =>
        {
            c.Commands["pg_isready"] = (new GuestExecStatus(true, 0, null, null, null), 0);
            c.AgentGoneAfter = 0;
        });

        var result = await RunAsync(runner);

        Assert.Equal(DrillState.Failed, result.State);
        Assert.Contains("the guest agent stopped answering", result.Reason, StringComparison.Ordinal);
        Assert.Contains("destroy 9900", cluster.Calls);
    }

    [Fact]
    public async Task RunAsync_ProgramMissing_ErrorWithTheAgentsWordsNoEvidence()
    {
        // The agent refusing the command (a program that is not there, guest-exec disabled) says nothing about the backup.
        var (cluster, store, runner) = Make();

        var result = await RunAsync(runner);

        Assert.Equal(DrillState.Error, result.State);
        Assert.Contains("app-probe: Agent error: Failed to execute child process", result.Reason, StringComparison.Ordinal);
        Assert.Empty(store.Evidence);
        Assert.Contains("destroy 9900", cluster.Calls);
    }

    [Fact]
    public async Task RunAsync_ServiceReadyAfterAFewTries_Passed()
    {
        // The agent answers before the database finished its recovery: "not yet" is retried within the probe's timeout.
        var (cluster, _, runner) = Make(c =>
        {
            c.Commands["pg_isready"] = (new GuestExecStatus(true, 2, null, null, "no response"), 0);
            c.AfterExecs = (3, new GuestExecStatus(true, 0, null, "accepting connections", null));
        });

        var result = await RunAsync(runner);

        Assert.Equal(DrillState.Passed, result.State);
        Assert.Equal(ProbeState.Passed, Assert.Single(result.Probes).State);
        Assert.Equal(3, cluster.Calls.Count(c => c.StartsWith("exec pg_isready", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunAsync_SecondProbeFails_FirstPassedKeptAndStopsThere()
    {
        var (cluster, _, runner) = Make(
            c =>
            {
                c.Commands["systemctl"] = (new GuestExecStatus(true, 1, null, "degraded", null), 0);
                c.Commands["pg_isready"] = (new GuestExecStatus(true, 0, null, null, null), 0);
            },
            s =>
                s with
                {
                    ApplicationProbes =
                    [
                        Ready,
                        new ApplicationProbe
                        {
                            Name = "system",
                            Command = ["systemctl", "is-system-running", "--wait"],
                            Timeout = TimeSpan.FromMilliseconds(300),
                        },
                        new ApplicationProbe { Name = "never", Command = ["true"] },
                    ],
                }
        );

        var result = await RunAsync(runner);

        Assert.Equal([ProbeState.Passed, ProbeState.Failed], result.Probes.Select(p => p.State));
        Assert.Equal("application probe system: exit 1 (expected 0): degraded", result.Reason);
        Assert.DoesNotContain(cluster.Calls, c => c.StartsWith("exec true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_DrillTimeoutMidSecondProbe_FirstOutcomeKeptSecondCutShort()
    {
        var (cluster, _, runner) = Make(
            c =>
            {
                c.Commands["pg_isready"] = (new GuestExecStatus(true, 0, null, null, null), 0);
                c.Commands["systemctl"] = (new GuestExecStatus(true, 0, null, null, null), -1);
            },
            s =>
                s with
                {
                    Timeout = TimeSpan.FromMilliseconds(600),
                    ApplicationProbes =
                    [
                        Ready,
                        new ApplicationProbe
                        {
                            Name = "system",
                            Command = ["systemctl", "is-system-running", "--wait"],
                            Timeout = TimeSpan.FromSeconds(30),
                        },
                    ],
                }
        );

        var result = await RunAsync(runner);

        Assert.Equal(DrillState.Failed, result.State);
        Assert.Equal([("pg", ProbeState.Passed), ("system", ProbeState.TimedOut)], result.Probes.Select(p => (p.Name, p.State)));
        Assert.Equal("cut short: the drill ended", result.Probes[1].Excerpt);
        Assert.Contains("destroy 9900", cluster.Calls);
    }

    [Fact]
    public async Task RunAsync_Container_ProbesNotAvailableInTheRecordNeverASilentPass()
    {
        var (cluster, _, runner) = Make(c => c.Guests[0] = Source with { Type = "lxc" });

        var result = await RunAsync(runner);

        Assert.Equal(DrillState.Passed, result.State);
        var outcome = Assert.Single(result.Probes);
        Assert.Equal(ProbeState.NotAvailable, outcome.State);
        Assert.Contains("not available for containers", outcome.Excerpt, StringComparison.Ordinal);
        Assert.DoesNotContain(cluster.Calls, c => c.StartsWith("exec", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_NoProbeApplies_NoProbePhase()
    {
        var (cluster, _, runner) = Make(settings: s => s with { ApplicationProbes = [Ready with { Tag = "web" }] });

        var result = await RunAsync(runner);

        Assert.Equal(DrillState.Passed, result.State);
        Assert.Empty(result.Probes);
        Assert.DoesNotContain(cluster.Calls, c => c.StartsWith("exec", StringComparison.Ordinal));
    }

    private static async Task<DrillRecord> RunAsync(DrillRunner runner)
    {
        var plan = await runner.PlanAsync([Candidate], 1, explicitGuest: true, CancellationToken.None);
        return Assert.Single(await runner.RunAsync(plan, null, CancellationToken.None));
    }

    private static (FakeDrillCluster Cluster, FakeDrillStore Store, DrillRunner Runner) Make(
        Action<FakeDrillCluster>? arrange = null,
        Func<DrillSettings, DrillSettings>? settings = null
    )
    {
        var cluster = new FakeDrillCluster();
        cluster.Guests.Add(Source);
        arrange?.Invoke(cluster);
        var store = new FakeDrillStore();
        var s = DrillPlanningTests.Settings() with
        {
            PollInterval = TimeSpan.FromMilliseconds(5),
            RunningTime = TimeSpan.FromMilliseconds(20),
            ApplicationProbes = [Ready],
        };
        return (cluster, store, new DrillRunner(cluster, store, settings is null ? s : settings(s), TimeProvider.System));
    }
}
