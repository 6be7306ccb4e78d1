using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Tags;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Proxmox.Tests.Gateways;

/// <summary>
/// The datacenter tag policy (registered-tags, user-tag-access) against a token without Sys.Modify: the Lab refuses
/// as PVE does, the writer says why, and doctor predicts it with the fix.
/// </summary>
public sealed class TagPolicyTests
{
    private static Func<LabScenario, LabScenario> Homelab(Func<ClusterSpec, ClusterSpec> edit) =>
        s => s with { Clusters = [.. s.Clusters.Select(c => c.Name == "homelab" ? edit(c) : c)] };

    private static async Task<TagWriteOutcome> WriteLevelTagAsync(LabFixture fixture)
    {
        var guest = (await fixture.CollectAsync()).SelectMany(b => b.Guests).First(g => g.Key is { Cluster: "homelab", Vmid: 101 });
        return await fixture.Gateways.TagWriter.WriteAsync(
            guest,
            new TagChange([TagVocabulary.Default[TagNames.Level3b]], []),
            CancellationToken.None
        );
    }

    [Fact]
    public async Task Write_ManagedTagRegistered_RefusedAndExplainedAsTagPolicy()
    {
        await using var fixture = await LabFixture.StartAsync(edit: Homelab(c => c with { RegisteredTags = ["level-3b"] }));

        var outcome = await WriteLevelTagAsync(fixture);

        Assert.Equal(TagWriteStatus.Failed, outcome.Status);
        Assert.Contains("datacenter tag policy", outcome.Detail, StringComparison.Ordinal);
        Assert.Contains("Sys.Modify for modifying tag 'level-3b'", outcome.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("user-allow=list,user-allow-list=level-3b;level-3a", TagWriteStatus.Written)]
    [InlineData("user-allow=list,user-allow-list=backup", TagWriteStatus.Failed)]
    [InlineData("user-allow=none", TagWriteStatus.Failed)]
    [InlineData("user-allow=free", TagWriteStatus.Written)]
    public async Task Write_UserTagAccess_AsPveDecides(string access, TagWriteStatus expected)
    {
        await using var fixture = await LabFixture.StartAsync(edit: Homelab(c => c with { UserTagAccess = access }));

        var outcome = await WriteLevelTagAsync(fixture);

        Assert.True(outcome.Status == expected, outcome.Detail);
    }

    [Fact]
    public async Task Diagnose_RegisteredAndListedPolicy_PredictsBothWithTheFix()
    {
        await using var fixture = await LabFixture.StartAsync(
            edit: Homelab(c => c with { RegisteredTags = ["warn-no-backup"], UserTagAccess = "user-allow=list,user-allow-list=level-3b" })
        );

        var found = await fixture.Gateways.DiagnoseAsync(false, TagVocabulary.Default.Names, CancellationToken.None);

        var homelab = found.Where(d => d.Subject == "pve:homelab" && d.Level == Core.Sync.DiagnosisLevel.Problem).Select(d => d.Message).ToList();
        Assert.Contains(homelab, m =>
            m.Contains("registered-tags reserves warn-no-backup", StringComparison.Ordinal)
            && m.Contains("pveum role add SelfHostSyncTags --privs Sys.Modify", StringComparison.Ordinal)
        );
        Assert.Contains(homelab, m =>
            m.Contains("user-tag-access is 'list'", StringComparison.Ordinal)
            && m.Contains("user-allow-list=level-3b;", StringComparison.Ordinal)
            && !m.Contains("to set level-3b", StringComparison.Ordinal)
        );
        Assert.DoesNotContain(found, d =>
            d.Subject == "pve:rented"
            && d.Message.Contains("tag", StringComparison.OrdinalIgnoreCase)
            && d.Level == Core.Sync.DiagnosisLevel.Problem
            && d.Message.Contains("registered-tags", StringComparison.Ordinal)
        );
    }
}
