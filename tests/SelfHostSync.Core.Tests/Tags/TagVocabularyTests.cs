using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Tags;

namespace SelfHostSync.Core.Tests.Tags;

public sealed class TagVocabularyTests
{
    [Fact]
    public void Default_HasTheDesignVocabulary()
    {
        var v = TagVocabulary.Default;
        Assert.Equal(12, v.Names.Count);
        Assert.Equal("level-3b", v.LevelTag(Level.Production));
        Assert.Equal("level-3a", v.LevelTag(Level.Homelab));
        Assert.Equal("level-2", v.LevelTag(Level.Vps));
        Assert.Null(v.LevelTag(Level.Saas));
        Assert.Equal("warn-restore-untested", v.WarningTag(CheckIds.RestoreTested));
        Assert.True(v.IsManaged("WARN-NO-BACKUP"));
        Assert.False(v.IsManaged("prod"));
    }

    [Fact]
    public void Create_ValidRename_ReplacesTheName()
    {
        var v = TagVocabulary.Create(new Dictionary<string, string> { ["level-3b"] = "Prod-3B" }, out var errors);
        Assert.Empty(errors);
        Assert.Equal("prod-3b", v.LevelTag(Level.Production));
        Assert.True(v.IsManaged("prod-3b"));
        Assert.False(v.IsManaged("level-3b"));
    }

    [Theory]
    [InlineData("level-3b", "-bad", "not a valid Proxmox tag")]
    [InlineData("level-3b", "has space", "not a valid Proxmox tag")]
    [InlineData("level-9", "x", "not a managed tag")]
    [InlineData("level-3b", "level-3a", "used for more than one managed tag")]
    public void Create_InvalidRename_ReportsOneLineAndKeepsDefault(string key, string value, string expected)
    {
        var v = TagVocabulary.Create(new Dictionary<string, string> { [key] = value }, out var errors);
        var error = Assert.Single(errors);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
        Assert.Equal("level-3b", v.LevelTag(Level.Production));
        Assert.Equal(12, v.Names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
