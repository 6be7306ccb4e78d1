using SelfHostSync.Core.Tags;

namespace SelfHostSync.Core.Tests.Tags;

public sealed class TagStyleTests
{
    [Fact]
    public void MergeColorMap_Empty_AddsEveryManagedTag()
    {
        var merged = TagStyle.MergeColorMap(null, TagVocabulary.Default);

        Assert.Equal(TagNames.All.Count, merged.Split(';').Length);
        Assert.Contains("level-3b:b60205:ffffff", merged, StringComparison.Ordinal);
    }

    [Fact]
    public void MergeColorMap_ForeignEntries_KeptInPlace()
    {
        var merged = TagStyle.MergeColorMap("gpu:6a1b9a:ffffff;level-3b:000000", TagVocabulary.Default);

        Assert.StartsWith("gpu:6a1b9a:ffffff;level-3b:b60205:ffffff;", merged, StringComparison.Ordinal);
    }

    [Fact]
    public void MergeColorMap_AlreadyMerged_ReturnsSameString()
    {
        var once = TagStyle.MergeColorMap("gpu:6a1b9a", TagVocabulary.Default);

        Assert.Same(once, TagStyle.MergeColorMap(once, TagVocabulary.Default));
    }

    [Fact]
    public void MergeColorMap_RenamedTag_UsesNewName()
    {
        var vocabulary = TagVocabulary.Create(new Dictionary<string, string> { ["level-3b"] = "prod-3b" }, out _);

        var merged = TagStyle.MergeColorMap(null, vocabulary);

        Assert.Contains("prod-3b:b60205:ffffff", merged, StringComparison.Ordinal);
        Assert.DoesNotContain("level-3b", merged, StringComparison.Ordinal);
    }

    [Fact]
    public void MergeRegistered_Existing_KeptAndManagedAppendedOnce()
    {
        var merged = TagStyle.MergeRegistered(["critical", "LEVEL-2"], TagVocabulary.Default);

        Assert.Equal("critical", merged[0]);
        Assert.Equal(TagNames.All.Count + 1, merged.Count);
    }
}
