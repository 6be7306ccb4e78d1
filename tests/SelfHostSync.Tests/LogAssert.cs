using System.Text.RegularExpressions;

namespace SelfHostSync.Tests;

/// <summary>
/// Error and fatal events in the executable's log: the console form <c>[HH:mm:ss ERR] …</c> / <c>FTL</c> and the
/// journal form <c>&lt;3&gt;…</c> (err) or lower (crit, alert, emerg). A substring like "[ERR]" never occurs in either.
/// </summary>
internal static partial class LogAssert
{
    public static IReadOnlyList<string> Errors(string log) =>
        [.. log.Split('\n').Where(line => ErrorLine().IsMatch(line))];

    public static void NoErrors(string log)
    {
        var errors = Errors(log);
        Assert.True(errors.Count == 0, "unexpected error log events:\n" + string.Join('\n', errors));
    }

    [GeneratedRegex(@"^(\[\d\d:\d\d:\d\d (ERR|FTL)\]|<[0-3]>)")]
    private static partial Regex ErrorLine();
}

public sealed class LogAssertTests
{
    [Theory]
    [InlineData("[05:37:53 ERR] Pass failed: x", true)]
    [InlineData("[05:37:53 FTL] Failed: x", true)]
    [InlineData("<3>Pass failed: x", true)]
    [InlineData("<2>crit", true)]
    [InlineData("[05:37:53 WRN] Drill FAILED: [ERR] in text", false)]
    [InlineData("<4>warning", false)]
    [InlineData("[05:37:53 INF] an [ERR] mention", false)]
    public void Errors_ConsoleAndJournalLines_FoundByLevelNotByText(string line, bool error) =>
        Assert.Equal(error, LogAssert.Errors("[05:37:50 INF] start\n" + line + "\n").Count == 1);
}
