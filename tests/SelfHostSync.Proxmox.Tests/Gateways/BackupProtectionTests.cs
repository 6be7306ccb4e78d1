using SelfHostSync.Core.Drills;
using SelfHostSync.Lab.Scenario;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox.Tests.Gateways;

/// <summary>
/// ProtectProven's requests against the lab, which answers as pve-storage's <c>updateattributes</c> does: the flag set on
/// the PBS snapshot (through PVE's PBS plugin) or as a vzdump file's <c>.protected</c> file, <c>check_volume_access</c>
/// first, and the limit of protected backups per guest for a token without Datastore.Allocate.
/// </summary>
public sealed class BackupProtectionTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task SetProtected_PbsSnapshot_ListedProtectedThenReleased()
    {
        await using var fixture = await LabFixture.StartAsync();
        using var drills = fixture.DrillConnection();
        var archive = await NewestAsync(drills, 100);

        Assert.False(await drills.Protection.IsProtectedAsync("pve1", archive.Volid, 100, None));
        await drills.Protection.SetProtectedAsync("pve1", archive.Volid, true, None);
        Assert.True(await drills.Protection.IsProtectedAsync("pve1", archive.Volid, 100, None));
        await drills.Protection.SetProtectedAsync("pve1", archive.Volid, false, None);

        Assert.False(await drills.Protection.IsProtectedAsync("pve1", archive.Volid, 100, None));
    }

    [Fact]
    public async Task Prune_ProtectedOlderSnapshot_KeptWithoutTakingTheKeepSlot()
    {
        await using var fixture = await LabFixture.StartAsync();
        using var drills = fixture.DrillConnection();
        var archive = await NewestAsync(drills, 100);
        fixture.Lab.BackupServer("pbs").AddSnapshot("main", "homelab", "vm", 100, DateTimeOffset.UtcNow);
        await drills.Protection.SetProtectedAsync("pve1", archive.Volid, true, None);

        fixture.Lab.BackupServer("pbs").Prune("main", "homelab", "vm", 100, keepLast: 1, DateTimeOffset.UtcNow);

        // prune.rs: a protected snapshot is kept and takes no slot, so keep-last 1 keeps the new one too.
        Assert.True(await drills.Protection.IsProtectedAsync("pve1", archive.Volid, 100, None));
        Assert.NotEqual(archive.Volid, (await NewestAsync(drills, 100)).Volid);
    }

    [Fact]
    public async Task SetProtected_PrunedSnapshot_NotListed()
    {
        await using var fixture = await LabFixture.StartAsync();
        using var drills = fixture.DrillConnection();
        var archive = await NewestAsync(drills, 100);
        fixture.Lab.BackupServer("pbs").AddSnapshot("main", "homelab", "vm", 100, DateTimeOffset.UtcNow);

        fixture.Lab.BackupServer("pbs").Prune("main", "homelab", "vm", 100, keepLast: 1, DateTimeOffset.UtcNow);

        Assert.Null(await drills.Protection.IsProtectedAsync("pve1", archive.Volid, 100, None));
    }

    [Fact]
    public async Task SetProtected_SixthOfOneGuestWithoutDatastoreAllocate_RefusedWithPveLimitText()
    {
        await using var fixture = await LabFixture.StartAsync();
        using var drills = fixture.DrillConnection();
        var volids = await VolidsAsync(drills);
        foreach (var volid in volids.Take(5))
        {
            await drills.Protection.SetProtectedAsync("pve1", volid, true, None);
        }

        var refused = await Assert.ThrowsAsync<ProxmoxApiException>(() => drills.Protection.SetProtectedAsync("pve1", volids[5], true, None));

        Assert.Contains("The number of protected backups per guest is limited to 5 on storage 'pbs'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetProtected_VzdumpFile_ListedProtected()
    {
        await using var fixture = await LabFixture.StartAsync();
        using var drills = fixture.DrillConnection();
        var archive = await NewestAsync(drills, 130);
        Assert.Contains("vzdump-qemu-130-", archive.Volid, StringComparison.Ordinal);

        await drills.Protection.SetProtectedAsync("pve1", archive.Volid, true, None);

        Assert.True(await drills.Protection.IsProtectedAsync("pve1", archive.Volid, 130, None));
    }

    [Fact]
    public async Task SetProtected_TokenWithoutVmBackupOnTheOwner_ForbiddenWithPveText()
    {
        await using var fixture = await LabFixture.StartAsync(edit: WithoutVmBackup);
        using var drills = fixture.DrillConnection();

        var refused = await Assert.ThrowsAsync<ProxmoxApiException>(() =>
            drills.Protection.SetProtectedAsync("pve1", "pbs:backup/vm/100/2026-11-30T02:00:00Z", true, None)
        );

        Assert.Equal(ProxmoxErrorKind.Forbidden, refused.Kind);
        Assert.Contains("Permission check failed (/vms/100, VM.Backup)", refused.Message, StringComparison.Ordinal);
    }

    private static LabScenario WithoutVmBackup(LabScenario s) =>
        s with
        {
            Clusters =
            [
                .. s.Clusters.Select(c =>
                    c.Name != "homelab" ? c : c with { Roles = c.Roles.ToDictionary(r => r.Key, r => r.Value.Where(p => p != "VM.Backup").ToList()) }
                ),
            ],
        };

    private static async Task<BackupArchive> NewestAsync(LabDrills drills, int vmid)
    {
        var source = (await drills.Cluster.GuestsAsync(None)).Single(g => g.Vmid == vmid);
        return await drills.Cluster.NewestBackupAsync(source, "pve1", None) ?? throw new InvalidOperationException($"no backup of {vmid}");
    }

    /// <summary>The demo lab's 14 daily snapshots of homelab/100, newest first.</summary>
    private static async Task<IReadOnlyList<string>> VolidsAsync(LabDrills drills)
    {
        var time = (await NewestAsync(drills, 100)).Time;
        return [.. Enumerable.Range(0, 14).Select(i => $"pbs:backup/vm/100/{time.AddHours(-24 * i).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}")];
    }
}
