using System.Text.Json;

namespace SelfHostSync.Tests;

/// <summary>
/// The GC settings the executable ships with decide its memory on a large estate (BENCHMARKS.md, decision 007):
/// dropping one of them brings a pass back from ~185 MB to ~300 MB, which no functional test would notice.
/// </summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public async Task RuntimeConfig_ShippedGcSettings_KeepThePassPeakLow()
    {
        await using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "selfhostsync.runtimeconfig.json"));
        using var json = await JsonDocument.ParseAsync(file);
        var properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean());
        Assert.InRange(properties.GetProperty("System.GC.Gen0MaxBudget").GetInt64(), 1, 6 * 1024 * 1024);
        Assert.Equal(9, properties.GetProperty("System.GC.ConserveMemory").GetInt32());
    }

    [Fact]
    public async Task Unit_Environment_DoesNotTurnBackgroundGcOff()
    {
        var unit = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "systemd", "selfhostsync.service"));

        Assert.DoesNotContain("gcConcurrent", unit, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("GCgen0MaxBudget", unit, StringComparison.OrdinalIgnoreCase);
    }
}
