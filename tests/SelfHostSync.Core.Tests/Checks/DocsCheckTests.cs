using SelfHostSync.Core.Checks;
using static SelfHostSync.Core.Tests.Build;

namespace SelfHostSync.Core.Tests.Checks;

/// <summary><c>docs.present</c> and the notes it may show (reliability review L8: notes sometimes hold credentials).</summary>
public sealed class DocsCheckTests
{
    [Theory]
    [InlineData(true, "notes: root password hunter2")]
    [InlineData(false, "notes present (2 line(s); excerpts off)")]
    public void Docs_NotesWithExcerptsOnOrOff_PassesShowingOnlyWhatIsAllowed(bool excerpt, string expected)
    {
        var result = GuestChecks.Docs(Guest(100, notes: "root password hunter2\nrebuild: ansible-playbook site.yml"), excerpt);

        Assert.Equal(CheckStatus.Pass, result.Status);
        Assert.Equal(expected, result.Detail);
    }
}
