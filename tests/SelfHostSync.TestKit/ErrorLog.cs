using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace SelfHostSync.TestKit;

/// <summary>
/// The error and fatal events the executable logged during each test, and the ones the test said to expect.
/// <see cref="FailOnUnexpectedErrorLogAttribute"/> fails a test that leaves any other. An event is found by its level,
/// never by its text: the console form <c>[HH:mm:ss ERR] …</c> / <c>FTL</c> and the journal form <c>&lt;3&gt;…</c> (err)
/// or lower (crit, alert, emerg).
/// </summary>
public static partial class ErrorLog
{
    private static readonly ConcurrentDictionary<string, TestErrors> ByTest = new(StringComparer.Ordinal);

    /// <summary>The error and fatal event lines in <paramref name="log"/>.</summary>
    public static IReadOnlyList<string> Errors(string log) =>
        [.. log.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => ErrorLine().IsMatch(line))];

    /// <summary>Records what one run of the executable wrote (both streams) for the running test.</summary>
    public static void Record(string command, string output)
    {
        var errors = Errors(output);
        if (errors.Count > 0)
        {
            var current = Current();
            foreach (var error in errors)
            {
                current.Events.Enqueue($"{command}: {error}");
            }
        }
    }

    /// <summary>
    /// Declares that the running test provokes error events containing <paramref name="fragment"/> (for example a
    /// pass that fails on purpose); only those pass the check at the end of the test.
    /// </summary>
    public static void Expect(string fragment) => Current().Expected.Add(fragment);

    /// <summary>The unexpected error events of a test, as a failure message; null when there are none. Forgets the test.</summary>
    public static string? TakeUnexpected(string testId)
    {
        if (!ByTest.TryRemove(testId, out var errors))
        {
            return null;
        }

        var expected = errors.Expected.ToArray();
        var unexpected = errors.Events.Where(e => !expected.Any(f => e.Contains(f, StringComparison.Ordinal))).ToList();
        return unexpected.Count == 0
            ? null
            : "unexpected error log events (a test that provokes one says so with ErrorLog.Expect):\n" + string.Join('\n', unexpected);
    }

    private static TestErrors Current()
    {
        var test = TestContext.Current.Test
            ?? throw new InvalidOperationException("the executable ran outside a test, where nobody checks its error log events");
        return ByTest.GetOrAdd(test.UniqueID, _ => new TestErrors());
    }

    [GeneratedRegex(@"^(\[\d\d:\d\d:\d\d (ERR|FTL)\]|<[0-3]>)")]
    private static partial Regex ErrorLine();

    private sealed class TestErrors
    {
        public ConcurrentQueue<string> Events { get; } = new();

        public ConcurrentBag<string> Expected { get; } = [];
    }
}
