using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.State;

/// <summary>
/// The backups SelfHostSync protected (<c>ProtectProven</c>): one row per guest and archive, released rows kept as
/// history. A backup protected again after its release reopens its row.
/// </summary>
internal sealed class ProtectionStore(StateDatabase db) : IProtectionStore
{
    public async Task<IReadOnlyList<HeldProtection>> HeldProtectionsAsync(GuestKey? guest, CancellationToken cancellationToken) =>
        await db.ReadAsync(
            """
            SELECT cluster, vmid, archive, node, backup_time, drill_id, protected_at FROM protections
            WHERE released_at IS NULL AND ($cluster IS NULL OR (cluster = $cluster AND vmid = $vmid))
            ORDER BY backup_time DESC
            """,
            cmd =>
            {
                cmd.Parameters.AddWithValue("$cluster", (object?)guest?.Cluster ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$vmid", guest?.Vmid ?? 0);
            },
            r => new HeldProtection(
                new GuestKey(r.GetString(0), r.GetInt32(1)),
                r.GetString(2),
                r.GetString(3),
                DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(4)),
                r.GetString(5),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6))
            ),
            cancellationToken
        );

    public Task RecordProtectedAsync(HeldProtection protection, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                using var cmd = db.Command(
                    tx,
                    """
                    INSERT INTO protections (cluster, vmid, archive, node, backup_time, drill_id, protected_at, released_at)
                    VALUES ($cluster, $vmid, $archive, $node, $backup, $drill, $at, NULL)
                    ON CONFLICT (cluster, vmid, archive) DO UPDATE SET
                        node = excluded.node, drill_id = excluded.drill_id, protected_at = excluded.protected_at, released_at = NULL
                    """
                );
                cmd.Parameters.AddWithValue("$cluster", protection.Guest.Cluster);
                cmd.Parameters.AddWithValue("$vmid", protection.Guest.Vmid);
                cmd.Parameters.AddWithValue("$archive", protection.Archive);
                cmd.Parameters.AddWithValue("$node", protection.Node);
                cmd.Parameters.AddWithValue("$backup", protection.BackupTime.ToUnixTimeSeconds());
                cmd.Parameters.AddWithValue("$drill", protection.DrillId);
                cmd.Parameters.AddWithValue("$at", protection.ProtectedAt.ToUnixTimeMilliseconds());
                cmd.ExecuteNonQuery();
            },
            cancellationToken,
            durable: true
        );

    public Task RecordReleasedAsync(GuestKey guest, string archive, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                using var cmd = db.Command(
                    tx,
                    "UPDATE protections SET released_at = $at WHERE cluster = $cluster AND vmid = $vmid AND archive = $archive"
                );
                cmd.Parameters.AddWithValue("$cluster", guest.Cluster);
                cmd.Parameters.AddWithValue("$vmid", guest.Vmid);
                cmd.Parameters.AddWithValue("$archive", archive);
                cmd.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
                cmd.ExecuteNonQuery();
            },
            cancellationToken,
            durable: true
        );
}
