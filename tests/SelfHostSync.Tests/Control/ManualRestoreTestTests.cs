using SelfHostSync.Control;

namespace SelfHostSync.Tests.Control;

public sealed class ManualRestoreTestTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, null)]
    [InlineData("pbs:backup/vm/100/2026-11-20T02:00:00Z", null)]
    [InlineData("local:backup/vzdump-qemu-100-2026_11_20-02_00_00.vma.zst", null)]
    [InlineData("yesterday's", "archive is not a backup with its time in the name")]
    public void ToRestoreTest_Archive_KeptWhenItNamesItsTime(string? archive, string? expected)
    {
        var test = new ManualRestoreTest("homelab", 100, "passed", null, null, archive).ToRestoreTest(Now, out var error);

        if (expected is null)
        {
            Assert.Null(error);
            Assert.Equal(archive, test!.SourceArchive);
        }
        else
        {
            Assert.Null(test);
            Assert.StartsWith(expected, error, StringComparison.Ordinal);
        }
    }
}
