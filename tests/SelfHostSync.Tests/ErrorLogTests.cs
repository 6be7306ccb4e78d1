namespace SelfHostSync.Tests;

/// <summary>The check every test of this assembly gets: error log events of the executable fail it unless expected.</summary>
public sealed class ErrorLogTests
{
    [Theory]
    [InlineData("[05:37:53 ERR] Pass failed: x", true)]
    [InlineData("[05:37:53 FTL] Failed: x", true)]
    [InlineData("<3>Pass failed: x", true)]
    [InlineData("<2>crit", true)]
    [InlineData("[05:37:53 ERR] Pass failed: x\r", true)]
    [InlineData("[05:37:53 WRN] Drill FAILED: [ERR] in text", false)]
    [InlineData("<4>warning", false)]
    [InlineData("[05:37:53 INF] an [ERR] mention", false)]
    public void Errors_ConsoleAndJournalLines_FoundByLevelNotByText(string line, bool error) =>
        Assert.Equal(error, ErrorLog.Errors("[05:37:50 INF] start\n" + line + "\n").Count == 1);

    [Fact]
    public void TakeUnexpected_ErrorEventRecorded_NamesCommandAndLine()
    {
        ErrorLog.Record("selfhostsync sync", "[05:37:50 INF] start\n[05:37:53 ERR] Pass failed: boom\n");

        var failure = ErrorLog.TakeUnexpected(TestContext.Current.Test!.UniqueID);

        Assert.NotNull(failure);
        Assert.Contains("selfhostsync sync: [05:37:53 ERR] Pass failed: boom", failure, StringComparison.Ordinal);
        Assert.Null(ErrorLog.TakeUnexpected(TestContext.Current.Test!.UniqueID));
    }

    [Fact]
    public void TakeUnexpected_ErrorEventExpected_Passes()
    {
        ErrorLog.Expect("Pass failed");
        ErrorLog.Record("selfhostsync sync", "[05:37:53 ERR] Pass failed: boom\n");

        Assert.Null(ErrorLog.TakeUnexpected(TestContext.Current.Test!.UniqueID));
    }

    [Fact]
    public void TakeUnexpected_OnlyOtherErrorExpected_StillFails()
    {
        ErrorLog.Expect("Pass failed");
        ErrorLog.Record("selfhostsync run", "[05:37:53 ERR] Pass failed: boom\n<3>Drill crashed\n");

        var failure = ErrorLog.TakeUnexpected(TestContext.Current.Test!.UniqueID);

        Assert.NotNull(failure);
        Assert.Contains("Drill crashed", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("boom", failure, StringComparison.Ordinal);
    }
}
