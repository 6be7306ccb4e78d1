using SelfHostSync.Core.Classification;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Tests.Classification;

public sealed class IntentRuleShadowTests
{
    // earlier rule, later rule (criteria as "key=value" pairs separated by spaces), expected
    [Theory]
    [InlineData("pool=production", "pool=production", true)]
    [InlineData("pool=production", "pool=production node=pve1", true)]
    [InlineData("pool=production node=pve1", "pool=production", false)]
    [InlineData("pool=production", "pool=Production", false)]
    [InlineData("node=pve1", "node=PVE1 tag=k8s", true)]
    [InlineData("vmid=100-199", "vmid=150", true)]
    [InlineData("vmid=100-199", "vmid=150-250", false)]
    [InlineData("vmid=100-199", "pool=x", false)]
    [InlineData("name=*", "name=db?", true)]
    [InlineData("name=zoltan*", "name=zoltan-db", true)]
    [InlineData("name=zoltan*", "name=Zoltan-*", true)]
    [InlineData("name=zoltan*", "name=zol*", false)]
    [InlineData("name=zoltan*", "name=zolt?n-db", false)]
    [InlineData("name=x?", "name=x*", false)]
    [InlineData("name=db*", "pool=x", false)]
    [InlineData("tag=k8s", "tag=K8S cluster=homelab", true)]
    [InlineData("cluster=homelab", "cluster=rented", false)]
    public void Shadows_Table_Expected(string earlier, string later, bool expected) => Assert.Equal(expected, Rule(earlier).Shadows(Rule(later)));

    [Fact]
    public void Shadows_RuleThatShadowsMatchesEveryGuestTheLaterOneMatches()
    {
        var wide = Rule("name=web* node=pve1");
        var narrow = Rule("name=web-0? node=PVE1 pool=p");
        Assert.True(wide.Shadows(narrow));
        foreach (var (name, node, pool) in new[] { ("web-01", "pve1", "p"), ("WEB-07", "PVE1", "p") })
        {
            var guest = Build.Guest(name: name, node: node, pool: pool);
            Assert.True(narrow.Matches(guest));
            Assert.True(wide.Matches(guest));
        }
    }

    private static IntentRule Rule(string criteria)
    {
        var kv = criteria.Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        VmidRange? range = kv.TryGetValue("vmid", out var v) && VmidRange.TryParse(v, out var r) ? r : null;
        return new IntentRule(
            Level.Production,
            range,
            kv.GetValueOrDefault("name"),
            kv.GetValueOrDefault("pool"),
            kv.GetValueOrDefault("node"),
            kv.GetValueOrDefault("tag"),
            kv.GetValueOrDefault("cluster")
        );
    }
}
