using SelfHostSync.Core.Sync;
using SelfHostSync.Core.Tags;

namespace SelfHostSync.Proxmox.Tests.Gateways;

/// <summary>
/// The tag writer writes against the digest of the config read this pass made to collect evidence (issue 20): one
/// config read per guest on a first pass, not two; a config changed since is PVE's digest refusal, planned again once
/// on a fresh read, never an overwritten edit.
/// </summary>
public sealed class TagWriterReadTests
{
    private static readonly TagChange Level3b = new([TagVocabulary.Default[TagNames.Level3b]], []);

    [Fact]
    public async Task Write_AfterCollectInTheSamePass_NoSecondConfigRead()
    {
        await using var fixture = await LabFixture.StartAsync();
        var server = fixture.Lab.Cluster("homelab").Server;
        var guest = (await fixture.CollectAsync()).SelectMany(b => b.Guests).First(g => g.Key is { Cluster: "homelab", Vmid: 101 });
        var before = server.Calls.Count;

        var outcome = await fixture.Gateways.TagWriter.WriteAsync(guest, Level3b, CancellationToken.None);

        Assert.Equal(TagWriteStatus.Written, outcome.Status);
        var calls = server.Calls.Skip(before).Select(c => $"{c.Method} {c.Path}").ToList();
        Assert.Equal(["PUT /api2/json/nodes/" + guest.Node + "/qemu/101/config"], calls);
        Assert.Contains("level-3b", fixture.Lab.Cluster("homelab").TagsOf(101), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_ConfigChangedSinceCollect_PlannedAgainOnAFreshReadAndTheEditKept()
    {
        await using var fixture = await LabFixture.StartAsync();
        var homelab = fixture.Lab.Cluster("homelab");
        var guest = (await fixture.CollectAsync()).SelectMany(b => b.Guests).First(g => g.Key is { Cluster: "homelab", Vmid: 101 });
        homelab.SetTags(101, "edited-by-hand");
        var before = homelab.Server.Calls.Count;

        var outcome = await fixture.Gateways.TagWriter.WriteAsync(guest, Level3b, CancellationToken.None);

        Assert.True(outcome.Status == TagWriteStatus.Written, outcome.Detail);
        Assert.Equal(["PUT", "GET", "PUT"], homelab.Server.Calls.Skip(before).Select(c => c.Method).ToList());
        Assert.Equal(["edited-by-hand", "level-3b"], homelab.TagsOf(101)!.Split(';'));
    }

    [Fact]
    public async Task Write_SecondWriteOfTheSamePass_ReadsAfresh()
    {
        // The read is lent once: after our own write its digest is stale, so a second change reads the config again.
        await using var fixture = await LabFixture.StartAsync();
        var homelab = fixture.Lab.Cluster("homelab");
        var guest = (await fixture.CollectAsync()).SelectMany(b => b.Guests).First(g => g.Key is { Cluster: "homelab", Vmid: 101 });
        await fixture.Gateways.TagWriter.WriteAsync(guest, Level3b, CancellationToken.None);
        var before = homelab.Server.Calls.Count;

        var outcome = await fixture.Gateways.TagWriter.WriteAsync(
            guest,
            new TagChange([TagVocabulary.Default[TagNames.Undocumented]], []),
            CancellationToken.None
        );

        Assert.True(outcome.Status == TagWriteStatus.Written, outcome.Detail);
        Assert.Equal(["GET", "PUT"], homelab.Server.Calls.Skip(before).Select(c => c.Method).ToList());
    }
}
