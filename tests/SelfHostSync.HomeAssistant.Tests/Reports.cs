using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;

namespace SelfHostSync.HomeAssistant.Tests;

/// <summary>Pass reports built by hand: clusters <c>home</c> and <c>away</c>, each read unless said otherwise.</summary>
internal static class Reports
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    public static RunReport Of(params GuestReport[] guests) => Of(guests, []);

    public static RunReport Of(IReadOnlyList<GuestReport> guests, IReadOnlyList<SourceReport> failed, int minute = 0) =>
        new()
        {
            RunId = $"run-{minute}",
            StartedAt = At.AddMinutes(minute),
            FinishedAt = At.AddMinutes(minute).AddSeconds(5),
            DryRun = false,
            Degraded = failed.Count > 0,
            Sources =
            [
                .. new[] { "home", "away" }.Where(c => !failed.Any(f => f.Name == c)).Select(c => new SourceReport("pve", c, true, null)),
                .. failed,
            ],
            Guests = guests,
            Writes = 0,
        };

    public static SourceReport Unread(string cluster) => new("pve", cluster, false, $"pve:{cluster}: connection refused");

    public static GuestReport Guest(string cluster, int vmid, Level level, params CheckStatus[] statuses) =>
        new()
        {
            Cluster = cluster,
            Vmid = vmid,
            Node = "pve1",
            Type = "qemu",
            Name = $"vm{vmid}",
            Level = level,
            LevelReasons = ["test"],
            Checks = [.. statuses.Select((s, i) => new CheckResult(CheckIds.GuestChecks[i], s, $"{CheckIds.GuestChecks[i]} is {s}"))],
            TagsBefore = [],
            TagsAfter = [],
            Written = false,
            WriteStatus = GuestWriteStatus.None,
        };

    public static InventoryReport Inventory(Level level, CheckStatus status) =>
        new("Mail", level, "vendor", [new CheckResult(CheckIds.MfaEnforced, status, "mfa")]);
}
