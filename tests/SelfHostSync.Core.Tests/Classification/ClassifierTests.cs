using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;
using static SelfHostSync.Core.Tests.Build;

namespace SelfHostSync.Core.Tests.Classification;

public sealed class ClassifierTests
{
    private static readonly Dictionary<string, HardwareOwner> Owners = new()
    {
        ["homelab"] = HardwareOwner.Self,
        ["rented"] = HardwareOwner.Provider,
    };

    private static Classifier Make(params IntentRule[] rules) => new(IntentSettings.Default with { Rules = rules }, Owners);

    [Fact]
    public void Classify_ProviderCluster_IsLevel2WhateverTheTags()
    {
        var c = Make().Classify(EvidenceOf(Guest(cluster: "rented", tags: "lab", onboot: true, protection: true)));
        Assert.Equal(Level.Vps, c.Level);
        Assert.Equal(IntentSource.HardwareOwner, c.Source);
        Assert.Contains("provider hardware", c.Reasons[0], StringComparison.Ordinal);
        Assert.False(c.InDenial);
    }

    [Theory]
    [InlineData("prod", Level.Production)]
    [InlineData("PRODUCTION", Level.Production)]
    [InlineData("lab", Level.Homelab)]
    [InlineData("test", Level.Homelab)]
    [InlineData("k8s;wipe", Level.Homelab)]
    [InlineData("lab;prod", Level.Production)]
    public void Classify_IntentTag_Decides(string tags, Level expected)
    {
        var c = Make(new IntentRule(Level.Homelab, pool: "x")).Classify(EvidenceOf(Guest(tags: tags, pool: "x")));
        Assert.Equal(expected, c.Level);
        Assert.Equal(IntentSource.Tag, c.Source);
        Assert.StartsWith(
            tags.Contains(';', StringComparison.Ordinal) && tags.Contains("prod", StringComparison.Ordinal)
                ? "conflicting intent tags"
                : "intent tag",
            c.Reasons[0],
            StringComparison.Ordinal
        );
    }

    [Fact]
    public void Classify_FirstMatchingRule_Decides()
    {
        var classifier = Make(
            new IntentRule(Level.Production, pool: "production"),
            new IntentRule(Level.Homelab, name: "zoltan*"),
            new IntentRule(Level.Production, name: "zoltan-db")
        );
        var byPool = classifier.Classify(EvidenceOf(Guest(name: "zoltan-db", pool: "production")));
        Assert.Equal(Level.Production, byPool.Level);
        Assert.Equal("rule #1 (pool=production)", byPool.Reasons[0]);
        var byName = classifier.Classify(EvidenceOf(Guest(name: "Zoltan-db")));
        Assert.Equal(Level.Homelab, byName.Level);
        Assert.Equal("rule #2 (name=zoltan*)", byName.Reasons[0]);
    }

    [Theory]
    [InlineData("100", 100, true)]
    [InlineData("100-199", 150, true)]
    [InlineData("100-199", 200, false)]
    public void Classify_VmidRule_MatchesRange(string range, int vmid, bool matches)
    {
        Assert.True(VmidRange.TryParse(range, out var r));
        var c = Make(new IntentRule(Level.Production, vmids: r)).Classify(EvidenceOf(Guest(vmid: vmid)));
        Assert.Equal(matches ? IntentSource.Rule : IntentSource.Inference, c.Source);
    }

    [Fact]
    public void Classify_RuleWithSeveralCriteria_NeedsAllOfThem()
    {
        var classifier = Make(new IntentRule(Level.Production, node: "pve2", tag: "k8s"));
        Assert.Equal(IntentSource.Rule, classifier.Classify(EvidenceOf(Guest(node: "pve2", tags: "K8S"))).Source);
        Assert.Equal(IntentSource.Inference, classifier.Classify(EvidenceOf(Guest(node: "pve1", tags: "k8s"))).Source);
    }

    [Theory]
    [InlineData(false, false, null, false, Level.Homelab)]
    [InlineData(true, false, null, false, Level.Homelab)]
    [InlineData(true, true, null, false, Level.Production)]
    [InlineData(false, false, "started", true, Level.Production)]
    [InlineData(false, false, "ignored", true, Level.Homelab)]
    public void Classify_Inference_CountsProductionSignals(bool onboot, bool protection, string? ha, bool inJob, Level expected)
    {
        var guest = Guest(onboot: onboot, protection: protection, ha: ha);
        var jobs = inJob ? new[] { Job("homelab", true, JobSelection.OfVmids(100)) } : [];
        var c = Make().Classify(EvidenceOf(guest, jobs: jobs));
        Assert.Equal(expected, c.Level);
        Assert.Equal(IntentSource.Inference, c.Source);
        Assert.True(c.Certain);
        Assert.StartsWith(expected == Level.Production ? "inferred production" : "inferred lab", c.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_DisabledJobAndProtectedBackups_CountOnlyTheBackups()
    {
        var guest = Guest();
        var c = Make()
            .Classify(
                EvidenceOf(guest, copies: [Pbs(guest.Key, Hours(2), protectedCopy: true)], jobs: [Job("homelab", false, JobSelection.AllGuests())])
            );
        Assert.Equal([Classifier.SignalProtectedBackups], c.Signals.Present);
        Assert.Equal(Level.Homelab, c.Level);
    }

    [Fact]
    public void Classify_InferenceThreshold_IsConfigurable()
    {
        var classifier = new Classifier(IntentSettings.Default with { InferProductionFrom = 1 }, Owners);
        Assert.Equal(Level.Production, classifier.Classify(EvidenceOf(Guest(onboot: true))).Level);
    }

    [Fact]
    public void Classify_DeclaredLabWithProductionSignals_IsProductionInDenial()
    {
        var c = Make().Classify(EvidenceOf(Guest(tags: "lab", onboot: true, ha: "started")));
        Assert.Equal(Level.Homelab, c.Level);
        Assert.True(c.InDenial);
        Assert.Contains("production in denial", c.Reasons[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_RuleLabWithProductionSignals_IsProductionInDenial()
    {
        var c = Make(new IntentRule(Level.Homelab, name: "k8s-*")).Classify(EvidenceOf(Guest(name: "k8s-node3", onboot: true, protection: true)));
        Assert.True(c.InDenial);
    }

    [Fact]
    public void Classify_DeclaredProduction_IsNeverInDenial()
    {
        Assert.False(Make().Classify(EvidenceOf(Guest(tags: "prod", onboot: true, ha: "started"))).InDenial);
    }

    [Fact]
    public void Classify_UnreadConfigCouldReachThreshold_IsUncertain()
    {
        var c = Make().Classify(EvidenceOf(Guest(configKnown: false, ha: "started")));
        Assert.False(c.Certain);
        Assert.Contains(c.Reasons, r => r.StartsWith("uncertain", StringComparison.Ordinal));
    }

    [Fact]
    public void Classify_UnknownBackupsButThresholdAlreadyMet_IsCertain()
    {
        var guest = Guest(onboot: true, protection: true);
        var c = Make().Classify(EvidenceOf(guest, gaps: [Gap(EvidenceKind.BackupCopies)]));
        Assert.True(c.Certain);
        Assert.Equal(Level.Production, c.Level);
    }

    [Fact]
    public void Classify_DeclaredLabWithUnreadSignals_DenialIsUnknown()
    {
        var c = Make().Classify(EvidenceOf(Guest(tags: "lab", onboot: true), gaps: [Gap(EvidenceKind.BackupJobs)]));
        Assert.Null(c.InDenial);
    }
}
