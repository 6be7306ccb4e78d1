using Microsoft.Extensions.Time.Testing;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.Core.Tests.Drills;

/// <summary>ProtectProven: the newest Keep proven backups stay protected; only what SelfHostSync protected is ever released.</summary>
public sealed class ProvenKeeperTests
{
    private static readonly GuestKey Guest = new("homelab", 100);
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static string Volid(int day) => $"pbs:backup/vm/100/2026-11-{day:00}T02:00:00Z";

    private static DrillRecord Drill(int day, DrillState state = DrillState.Passed) =>
        new()
        {
            Id = $"d{day}",
            Guest = Guest,
            Type = "qemu",
            Node = "pve1",
            ScratchVmid = 9900,
            Archive = Volid(day),
            BackupTime = new DateTimeOffset(2026, 11, day, 2, 0, 0, TimeSpan.Zero),
            StartedAt = Now,
            State = state,
        };

    public static TheoryData<string, int[], int[], int, int, string?, string[], string[]> Cases =>
        new()
        {
            // name, held (days), protected by someone else (days), keep, drill day, protected now, released, held after
            { "first proven backup", [], [], 1, 20, Volid(20), [], [Volid(20)] },
            { "newer proven releases the older", [18], [], 1, 20, Volid(20), [Volid(18)], [Volid(20)] },
            { "keep 2 keeps both", [18], [], 2, 20, Volid(20), [], [Volid(18), Volid(20)] },
            { "keep 2 releases the third", [16, 18], [], 2, 20, Volid(20), [Volid(16)], [Volid(18), Volid(20)] },
            { "already protected by the operator: not recorded, ours released", [18], [20], 1, 20, null, [Volid(18)], [] },
            { "an older backup drilled: not protected", [20], [], 1, 18, null, [], [Volid(20)] },
            { "the same backup drilled again: nothing changes", [20], [], 1, 20, null, [], [Volid(20)] },
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task KeepAsync_Table_ProtectsNewestAndReleasesOnlyOwn(
        string name,
        int[] held,
        int[] others,
        int keep,
        int day,
        string? protectedNow,
        string[] released,
        string[] heldAfter
    )
    {
        _ = name;
        var storage = new FakeProtection();
        var store = new FakeProtectionStore();
        foreach (var d in held)
        {
            storage.Flags[Volid(d)] = true;
            store.Rows.Add(new HeldProtection(Guest, Volid(d), "pve1", Drill(d).BackupTime!.Value, $"d{d}", Now.AddDays(-1)));
        }

        foreach (var d in others)
        {
            storage.Flags[Volid(d)] = true;
        }

        storage.Flags.TryAdd(Volid(day), false);
        var keeper = new ProvenKeeper(storage, store, keep, new FakeTimeProvider(Now));

        var outcome = await keeper.KeepAsync(Drill(day), CancellationToken.None);

        Assert.Equal(protectedNow, outcome.Protected);
        Assert.Equal(released, outcome.Released);
        Assert.Equal(heldAfter.Order(), store.Rows.Where(r => r.ReleasedAt is null).Select(r => r.Archive).Order());
        Assert.All(heldAfter, v => Assert.True(storage.Flags[v]));
        Assert.All(released, v => Assert.False(storage.Flags[v]));
        Assert.All(others, d => Assert.True(storage.Flags[Volid(d)]));
        Assert.Null(outcome.Problem);
    }

    [Fact]
    public async Task KeepAsync_ProtectRefused_OlderProtectionKeptAndProblemTold()
    {
        var storage = new FakeProtection { Refusal = "The number of protected backups per guest is limited to 5 on storage 'pbs'" };
        storage.Flags[Volid(18)] = true;
        storage.Flags[Volid(20)] = false;
        var store = new FakeProtectionStore();
        store.Rows.Add(new HeldProtection(Guest, Volid(18), "pve1", Drill(18).BackupTime!.Value, "d18", Now));

        var outcome = await new ProvenKeeper(storage, store, 1, new FakeTimeProvider(Now)).KeepAsync(Drill(20), CancellationToken.None);

        Assert.Null(outcome.Protected);
        Assert.Empty(outcome.Released);
        Assert.Contains("limited to 5", outcome.Problem, StringComparison.Ordinal);
        Assert.True(storage.Flags[Volid(18)]);
    }

    [Fact]
    public async Task KeepAsync_ProvenBackupGoneBeforeItsProtection_OlderProtectionKept()
    {
        var storage = new FakeProtection();
        storage.Flags[Volid(18)] = true;
        var store = new FakeProtectionStore();
        store.Rows.Add(new HeldProtection(Guest, Volid(18), "pve1", Drill(18).BackupTime!.Value, "d18", Now));

        var outcome = await new ProvenKeeper(storage, store, 1, new FakeTimeProvider(Now)).KeepAsync(Drill(20), CancellationToken.None);

        Assert.Null(outcome.Protected);
        Assert.Empty(outcome.Released);
        Assert.True(storage.Flags[Volid(18)]);
        Assert.Contains(store.Rows, r => r.Archive == Volid(18) && r.ReleasedAt is null);
    }

    [Fact]
    public async Task KeepAsync_ProtectRefusedAfterTheRecord_RowReleasedSoNoFlagOfOursIsUnrecorded()
    {
        var storage = new FakeProtection { Refusal = "Permission check failed (/vms/100, VM.Backup)" };
        storage.Flags[Volid(20)] = false;
        var store = new FakeProtectionStore();

        var outcome = await new ProvenKeeper(storage, store, 1, new FakeTimeProvider(Now)).KeepAsync(Drill(20), CancellationToken.None);

        Assert.Contains("Permission check failed", outcome.Problem, StringComparison.Ordinal);
        Assert.All(store.Rows, r => Assert.NotNull(r.ReleasedAt));
    }

    [Fact]
    public async Task KeepAsync_HeldBackupPrunedMeanwhile_RecordedReleasedWithoutARequest()
    {
        var storage = new FakeProtection();
        storage.Flags[Volid(20)] = false;
        var store = new FakeProtectionStore();
        store.Rows.Add(new HeldProtection(Guest, Volid(18), "pve1", Drill(18).BackupTime!.Value, "d18", Now));

        var outcome = await new ProvenKeeper(storage, store, 1, new FakeTimeProvider(Now)).KeepAsync(Drill(20), CancellationToken.None);

        Assert.Equal([Volid(18)], outcome.Released);
        Assert.DoesNotContain(storage.Sets, s => s.Volid == Volid(18));
    }

    [Theory]
    [InlineData(DrillState.Failed)]
    [InlineData(DrillState.Error)]
    public async Task KeepAsync_DrillNotPassed_TouchesNothing(DrillState state)
    {
        var storage = new FakeProtection();
        var outcome = await new ProvenKeeper(storage, new FakeProtectionStore(), 1, new FakeTimeProvider(Now)).KeepAsync(
            Drill(20, state),
            CancellationToken.None
        );

        Assert.Null(outcome.Protected);
        Assert.Empty(storage.Sets);
    }

    [Fact]
    public void Unmark_CopyWeProtected_NoLongerCountsAsProtected()
    {
        var ours = new HeldProtection(Guest, Volid(20), "pve1", Drill(20).BackupTime!.Value, "d20", Now);
        BackupCopy Copy(int day, bool offsite = false) =>
            new(Guest, BackupCopyKind.PbsSnapshot, "pbs", "pbs", Drill(day).BackupTime!.Value, VerificationState.Ok, true, false, offsite);
        var batch = new EvidenceBatch { Copies = [Copy(20), Copy(19), Copy(20, offsite: true)] };

        var unmarked = OwnProtections.Unmark(batch, [ours]);

        Assert.Equal([false, true, true], unmarked.Copies.Select(c => c.Protected));
    }

    [Fact]
    public void Streak_FailedErrorFailedPassed_TwoInARow()
    {
        DrillRecord D(DrillState s) => Drill(20, s);

        var streak = DrillStreak.Of([D(DrillState.Failed), D(DrillState.Error), D(DrillState.Failed), D(DrillState.Passed), D(DrillState.Failed)]);

        Assert.Equal(2, streak.Count);
    }

    private sealed class FakeProtection : IBackupProtection
    {
        public Dictionary<string, bool> Flags { get; } = new(StringComparer.Ordinal);

        public List<(string Volid, bool Value)> Sets { get; } = [];

        public string? Refusal { get; init; }

        public Task<bool?> IsProtectedAsync(string node, string volid, int owner, CancellationToken cancellationToken) =>
            Task.FromResult(Flags.TryGetValue(volid, out var flag) ? flag : (bool?)null);

        public Task SetProtectedAsync(string node, string volid, bool value, CancellationToken cancellationToken)
        {
            if (Refusal is not null)
            {
                throw new InvalidOperationException(Refusal);
            }

            Sets.Add((volid, value));
            Flags[volid] = value;
            return Task.CompletedTask;
        }
    }

    private sealed class FakeProtectionStore : IProtectionStore
    {
        public List<HeldProtection> Rows { get; } = [];

        public Task<IReadOnlyList<HeldProtection>> HeldProtectionsAsync(GuestKey? guest, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<HeldProtection>>([.. Rows.Where(r => r.ReleasedAt is null && (guest is null || r.Guest == guest))]);

        public Task RecordProtectedAsync(HeldProtection protection, CancellationToken cancellationToken)
        {
            Rows.RemoveAll(r => r.Archive == protection.Archive);
            Rows.Add(protection);
            return Task.CompletedTask;
        }

        public Task RecordReleasedAsync(GuestKey guest, string archive, DateTimeOffset at, CancellationToken cancellationToken)
        {
            var i = Rows.FindIndex(r => r.Archive == archive);
            Rows[i] = Rows[i] with { ReleasedAt = at };
            return Task.CompletedTask;
        }
    }
}
