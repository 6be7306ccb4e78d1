using SelfHostSync.Core.Drills;

namespace SelfHostSync.Core.Tests.Drills;

/// <summary>Room on the target storage before a restore (reliability review M3): refused with the figures when it does not fit.</summary>
public sealed class DrillSpaceTests
{
    private const long GiB = 1L << 30;

    public static TheoryData<string, long?, long, long, bool, string?> Cases =>
        new()
        {
            { "plenty of room", 32 * GiB, 1000 * GiB, 900 * GiB, true, null },
            {
                "fits but eats into the reserve",
                32 * GiB,
                1000 * GiB,
                120 * GiB,
                true,
                "has 120.0 GiB free of 1000.0 GiB; restoring 32.0 GiB would leave less than the 10 % that must stay free"
            },
            { "does not fit at all", 64 * GiB, 100 * GiB, 40 * GiB, true, "restoring 64.0 GiB" },
            { "size not listed", null, 100 * GiB, 1 * GiB, true, null },
            { "storage not active on the node", 32 * GiB, 0, 0, false, "is not active on the drill node" },
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Refusal_ArchiveAndFreeSpace_AsExpected(string scenario, long? size, long total, long available, bool active, string? expected)
    {
        var archive = new BackupArchive("pbs:backup/vm/100/2026-12-01T02:00:00Z", "pbs", DateTimeOffset.UnixEpoch, size);

        var refusal = DrillSpace.Refusal(archive, "local-zfs", new StorageSpace(total, available, active), 0.10);

        if (expected is null)
        {
            Assert.True(refusal is null, $"{scenario}: {refusal}");
        }
        else
        {
            Assert.True(refusal?.Contains(expected, StringComparison.Ordinal) == true, $"{scenario}: {refusal}");
        }
    }
}
