using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Tags;

namespace SelfHostSync.Core.Tests.Tags;

public sealed class DesiredTagsBuilderTests
{
    private static GuestClassification Production(bool certain = true) =>
        new(Level.Production, IntentSource.Tag, ["intent tag 'prod'"], certain, new ProductionSignals([], []), false);

    [Fact]
    public void Build_NoBackup_OnlyNoBackupTagAmongCopyChecks()
    {
        var checks = new[]
        {
            CheckResult.Fail(CheckIds.BackupPresent, "no backup"),
            CheckResult.Fail(CheckIds.BackupFresh, "no backup"),
            CheckResult.Fail(CheckIds.BackupVerified, "no backup"),
            CheckResult.Fail(CheckIds.RestoreTested, "no backup"),
            CheckResult.Fail(CheckIds.OffsitePresent, "no backup"),
            CheckResult.Fail(CheckIds.CoverageJob, "not in any scheduled backup job"),
            CheckResult.Pass(CheckIds.StorageHealthy, "ok"),
        };
        var desired = DesiredTagsBuilder.Build(Production(), checks, TagVocabulary.Default);
        Assert.Equal(new[] { "level-3b", "warn-no-backup", "warn-no-job" }.Order(), desired.Desired.Order());
        Assert.Empty(desired.Frozen);
    }

    [Fact]
    public void Build_WarnStatus_IsNeverATag()
    {
        var desired = DesiredTagsBuilder.Build(
            Production(),
            [new CheckResult(CheckIds.BackupFresh, CheckStatus.Warn, "23 h")],
            TagVocabulary.Default
        );
        Assert.Equal(["level-3b"], desired.Desired);
    }

    [Fact]
    public void Build_UnknownCheck_FreezesItsTag()
    {
        var desired = DesiredTagsBuilder.Build(Production(), [CheckResult.Unknown(CheckIds.OffsitePresent, "dsm down")], TagVocabulary.Default);
        Assert.Equal(["warn-no-offsite"], desired.Frozen);
    }

    [Fact]
    public void Build_UncertainLevel_FreezesEverything()
    {
        var desired = DesiredTagsBuilder.Build(
            Production(certain: false),
            [CheckResult.Fail(CheckIds.BackupPresent, "no backup")],
            TagVocabulary.Default
        );
        Assert.Empty(desired.Desired);
        Assert.Equal(12, desired.Frozen.Count);
    }

    [Fact]
    public void Build_RenamedVocabulary_UsesTheNewNames()
    {
        var v = TagVocabulary.Create(new Dictionary<string, string> { ["level-3b"] = "prod-3b", ["warn-no-job"] = "nojob" }, out _);
        var desired = DesiredTagsBuilder.Build(Production(), [CheckResult.Fail(CheckIds.CoverageJob, "x")], v);
        Assert.Equal(new[] { "nojob", "prod-3b" }, desired.Desired.Order());
    }
}
