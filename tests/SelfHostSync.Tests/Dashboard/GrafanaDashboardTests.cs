using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SelfHostSync.Control;
using SelfHostSync.Http;

namespace SelfHostSync.Tests.Dashboard;

/// <summary>The Grafana dashboard in <c>contrib/grafana</c> asks only for series the daemon's <c>/metrics</c> exports.</summary>
public sealed partial class GrafanaDashboardTests
{
    private static readonly string DashboardPath = Path.Combine(Repository.Root, "contrib", "grafana", "selfhostsync.json");

    [Fact]
    public async Task Dashboard_EveryQuery_NamesOnlyExportedSeries()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        await Metrics.WriteAsync(writer, null, new RequestMeter(), DateTimeOffset.UtcNow, [], CancellationToken.None);
        var exported = writer
            .ToString()
            .Split('\n')
            .Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[2])
            .ToHashSet(StringComparer.Ordinal);

        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(DashboardPath));
        var queries = dashboard
            .RootElement.GetProperty("panels")
            .EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();

        Assert.NotEmpty(queries);
        Assert.All(queries, q =>
        {
            var series = Series().Matches(q).Select(m => m.Value).ToList();
            Assert.True(series.Count > 0, $"'{q}' names no SelfHostSync series");
            Assert.All(series, s => Assert.True(exported.Contains(s), $"'{q}' asks for {s}, which /metrics does not export"));
        });
        var covered = queries.SelectMany(q => Series().Matches(q).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        foreach (
            var needed in new[]
            {
                "selfhostsync_guest_level",
                "selfhostsync_check_status",
                "selfhostsync_backup_age_seconds",
                "selfhostsync_restore_test_age_seconds",
                "selfhostsync_restore_drill_result",
                "selfhostsync_source_up",
            }
        )
        {
            Assert.Contains(needed, covered);
        }
    }

    [GeneratedRegex(@"\b(?:selfhostsync|process|dotnet)_[a-z0-9_]+\b")]
    private static partial Regex Series();
}
