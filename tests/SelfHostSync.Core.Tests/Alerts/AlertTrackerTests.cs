using SelfHostSync.Core.Alerts;
using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;

namespace SelfHostSync.Core.Tests.Alerts;

public sealed class AlertTrackerTests
{
    private static readonly Dictionary<string, OpenAlert> None = new(StringComparer.Ordinal);

    private static RunReport Run(
        CheckStatus restore,
        CheckStatus docs = CheckStatus.Pass,
        bool pbsOk = true,
        bool guestPresent = true,
        bool clusterOk = true,
        bool certain = true
    ) =>
        new()
        {
            RunId = "r",
            StartedAt = Build.Now,
            FinishedAt = Build.Now,
            DryRun = false,
            Degraded = !pbsOk || !clusterOk,
            Sources =
            [
                new SourceReport("pve", "homelab", clusterOk, clusterOk ? null : "down"),
                new SourceReport("pbs", "pbs", pbsOk, pbsOk ? null : "HTTP 503"),
            ],
            Guests = guestPresent
                ?
                [
                    new GuestReport
                    {
                        Cluster = "homelab",
                        Vmid = 100,
                        Node = "pve1",
                        Type = "qemu",
                        Name = "inference",
                        Level = certain ? Level.Production : Level.Homelab,
                        LevelReasons = [],
                        LevelCertain = certain,
                        Checks =
                        [
                            new CheckResult(CheckIds.RestoreTested, restore, "never restored"),
                            new CheckResult(CheckIds.DocsPresent, docs, "notes"),
                        ],
                        TagsBefore = [],
                        TagsAfter = [],
                        Written = false,
                        WriteStatus = GuestWriteStatus.None,
                    },
                ]
                : [],
            Writes = 0,
        };

    [Fact]
    public void Advance_NewFailure_OpensAlertOnce()
    {
        var (first, open) = AlertTracker.Advance(None, Run(CheckStatus.Fail), Build.Now);
        var (second, _) = AlertTracker.Advance(open, Run(CheckStatus.Fail), Build.Now);

        var e = Assert.Single(first);
        Assert.Equal(AlertKind.NewFailure, e.Kind);
        Assert.Equal("guest:homelab/100:restore.tested", e.Alert.Key);
        Assert.Empty(second);
    }

    [Theory]
    [InlineData(CheckStatus.Pass, true)]
    [InlineData(CheckStatus.Warn, true)]
    [InlineData(CheckStatus.Unknown, false)]
    public void Advance_FailingThen_ResolvesOnlyOnKnownGood(CheckStatus then, bool resolved)
    {
        var (_, open) = AlertTracker.Advance(None, Run(CheckStatus.Fail), Build.Now);

        var (events, after) = AlertTracker.Advance(open, Run(then), Build.Now);

        Assert.Equal(resolved, events.Any(e => e.Kind == AlertKind.Resolved));
        Assert.Equal(!resolved, after.ContainsKey("guest:homelab/100:restore.tested"));
    }

    [Fact]
    public void Advance_UnknownThenFailAgain_DoesNotRepeat()
    {
        var (_, open) = AlertTracker.Advance(None, Run(CheckStatus.Fail), Build.Now);
        (_, open) = AlertTracker.Advance(open, Run(CheckStatus.Unknown, pbsOk: false), Build.Now);

        var (events, _) = AlertTracker.Advance(open, Run(CheckStatus.Fail), Build.Now);

        Assert.DoesNotContain(events, e => e.Kind == AlertKind.NewFailure);
        Assert.Contains(events, e => e.Kind == AlertKind.SourceRecovered);
    }

    [Fact]
    public void Advance_SourceDown_DegradedOnceThenRecovered()
    {
        var (down, open) = AlertTracker.Advance(None, Run(CheckStatus.Pass, pbsOk: false), Build.Now);
        var (still, open2) = AlertTracker.Advance(open, Run(CheckStatus.Pass, pbsOk: false), Build.Now);
        var (up, _) = AlertTracker.Advance(open2, Run(CheckStatus.Pass), Build.Now);

        Assert.Equal(AlertKind.SourceDegraded, Assert.Single(down).Kind);
        Assert.Empty(still);
        Assert.Equal(AlertKind.SourceRecovered, Assert.Single(up).Kind);
    }

    [Fact]
    public void Advance_UntestedRestoreLeadsOtherFailures()
    {
        var (events, _) = AlertTracker.Advance(None, Run(CheckStatus.Fail, docs: CheckStatus.Fail, pbsOk: false), Build.Now);

        Assert.Equal(CheckIds.RestoreTested, events[0].Alert.CheckId);
        Assert.Equal(AlertKind.SourceDegraded, events[^1].Kind);
    }

    [Fact]
    public void Advance_GuestGoneWhileClusterReadable_Resolved()
    {
        var (_, open) = AlertTracker.Advance(None, Run(CheckStatus.Fail), Build.Now);

        var (events, after) = AlertTracker.Advance(open, Run(CheckStatus.Pass, guestPresent: false), Build.Now);

        Assert.Equal(AlertKind.Resolved, Assert.Single(events).Kind);
        Assert.Empty(after);
    }

    [Fact]
    public void Advance_GuestMissingBecauseClusterDown_KeptOpen()
    {
        var (_, open) = AlertTracker.Advance(None, Run(CheckStatus.Fail), Build.Now);

        var (events, after) = AlertTracker.Advance(open, Run(CheckStatus.Pass, guestPresent: false, clusterOk: false), Build.Now);

        Assert.DoesNotContain(events, e => e.Kind == AlertKind.Resolved);
        Assert.True(after.ContainsKey("guest:homelab/100:restore.tested"));
    }

    [Fact]
    public void Advance_LevelUncertain_NeitherResolvesNorOpens()
    {
        var (_, open) = AlertTracker.Advance(None, Run(CheckStatus.Fail), Build.Now);
        var uncertain = Run(CheckStatus.Pass, docs: CheckStatus.Fail, certain: false) with
        {
            Guests =
            [
                Run(CheckStatus.Pass, certain: false).Guests[0] with
                {
                    Checks = [new CheckResult(CheckIds.DocsPresent, CheckStatus.Fail, "no notes")],
                },
            ],
        };

        var (events, after) = AlertTracker.Advance(open, uncertain, Build.Now);

        Assert.Empty(events);
        Assert.True(after.ContainsKey("guest:homelab/100:restore.tested"));
    }

    [Fact]
    public void Advance_InventoryEntryRemovedFromConfig_Resolved()
    {
        var withInventory = Run(CheckStatus.Pass) with
        {
            Inventory = [new InventoryReport("Mail", Level.Saas, null, [new CheckResult(CheckIds.MfaEnforced, CheckStatus.Fail, "no MFA")])],
        };
        var (_, open) = AlertTracker.Advance(None, withInventory, Build.Now);

        var (events, after) = AlertTracker.Advance(open, Run(CheckStatus.Pass), Build.Now);

        Assert.Equal(AlertKind.Resolved, Assert.Single(events).Kind);
        Assert.Empty(after);
    }

    [Fact]
    public void Advance_CheckNoLongerRequiredAtNewLevel_Resolved()
    {
        var (_, open) = AlertTracker.Advance(None, Run(CheckStatus.Fail), Build.Now);
        var run = Run(CheckStatus.Pass);
        var onlyDocs = run with
        {
            Guests = [run.Guests[0] with { Level = Level.Homelab, Checks = [new CheckResult(CheckIds.DocsPresent, CheckStatus.Pass, "notes")] }],
        };

        var (events, after) = AlertTracker.Advance(open, onlyDocs, Build.Now);

        var e = Assert.Single(events);
        Assert.Equal((AlertKind.Resolved, "no longer required at this level"), (e.Kind, e.Alert.Detail));
        Assert.Empty(after);
    }

    [Fact]
    public void Advance_OwnersWhoseNamesArePrefixesOfEachOther_KeepTheirOwnAlerts()
    {
        // guest 10 vs guest 100, inventory "Mail" vs "Mail:EU": one's checks must never resolve the other's alerts.
        var run = Run(CheckStatus.Fail);
        var guest10 = run.Guests[0] with { Vmid = 10, Checks = [new CheckResult(CheckIds.DocsPresent, CheckStatus.Pass, "notes")] };
        var both = run with
        {
            Guests = [run.Guests[0], guest10],
            Inventory =
            [
                new InventoryReport("Mail", Level.Saas, null, [new CheckResult(CheckIds.ExportTested, CheckStatus.Pass, "exported")]),
                new InventoryReport("Mail:EU", Level.Saas, null, [new CheckResult(CheckIds.MfaEnforced, CheckStatus.Fail, "no MFA")]),
            ],
        };
        var (_, open) = AlertTracker.Advance(None, both, Build.Now);

        var (events, after) = AlertTracker.Advance(open, both, Build.Now);

        Assert.Empty(events);
        Assert.Equal(["guest:homelab/100:restore.tested", "inventory:Mail:EU:mfa.enforced"], after.Keys.Order(StringComparer.Ordinal));
    }
}
