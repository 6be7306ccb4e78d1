using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Tags;

namespace SelfHostSync.Core.Tests.Tags;

public sealed class TagListTests
{
    [Theory]
    [InlineData(null, new string[0])]
    [InlineData("", new string[0])]
    [InlineData("prod", new[] { "prod" })]
    [InlineData("a;b;c", new[] { "a", "b", "c" })]
    [InlineData("a,b c", new[] { "a", "b", "c" })]
    [InlineData("a; b ,c;;", new[] { "a", "b", "c" })]
    [InlineData("  ;  ,  ", new string[0])]
    [InlineData("go-proxmox+cloud-init", new[] { "go-proxmox+cloud-init" })]
    [InlineData("Prod;LAB", new[] { "Prod", "LAB" })]
    [InlineData("a;a;A", new[] { "a", "a", "A" })]
    [InlineData("a\0b;c", new[] { "a", "b;c" })]
    [InlineData("tab\tsep\nline", new[] { "tab", "sep", "line" })]
    public void Parse_MixedSeparators_SplitsLikePve(string? raw, string[] expected)
    {
        Assert.Equal(expected, TagList.Parse(raw));
    }

    [Theory]
    [InlineData("prod", true)]
    [InlineData("level-3b", true)]
    [InlineData("Level-3B", true)]
    [InlineData("_x", true)]
    [InlineData("0day", true)]
    [InlineData("a+b.c_d-e", true)]
    [InlineData("-lead", false)]
    [InlineData("+lead", false)]
    [InlineData(".lead", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("has space", false)]
    [InlineData("colon:tag", false)]
    [InlineData("eq=tag", false)]
    [InlineData("slash/tag", false)]
    [InlineData("semi;colon", false)]
    [InlineData("ünïcode", false)]
    public void IsValid_PveTagGrammar_MatchesServerRegex(string? tag, bool valid)
    {
        Assert.Equal(valid, TagList.IsValid(tag));
    }

    [Fact]
    public void SetEquals_DifferentCaseAndOrder_AreEqual()
    {
        Assert.True(TagList.SetEquals(["Prod", "level-3b"], ["LEVEL-3B", "prod"]));
        Assert.False(TagList.SetEquals(["prod"], ["prod", "lab"]));
    }

    [Fact]
    public void Format_Tags_JoinsWithSemicolon()
    {
        Assert.Equal("a;b;c", TagList.Format(["a", "b", "c"]));
    }
}
