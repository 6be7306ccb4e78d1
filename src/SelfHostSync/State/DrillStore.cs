using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Evidence;
using SelfHostSync.Core.Matrix;

namespace SelfHostSync.State;

/// <summary>Drill history: written before a drill's first request, updated at each phase, closed with its evidence.</summary>
internal sealed class DrillStore(StateDatabase db) : IDrillStore
{
    private const string DrillColumns =
        "id, cluster, vmid, guest_name, type, node, scratch_vmid, archive, backup_time, started_at, finished_at, state, phase, restore_seconds, boot_seconds, reason, restore_upid, cleaned_up, probes, failed_in_row";

    public Task BeginDrillAsync(DrillRecord drill, CancellationToken cancellationToken) =>
        db.InTransactionAsync(tx => WriteDrill(tx, drill, insert: true), cancellationToken, durable: true);

    /// <summary>Durable: the update that records the restore task's UPID is what proves the scratch guest is ours.</summary>
    public Task UpdateDrillAsync(DrillRecord drill, CancellationToken cancellationToken) =>
        db.InTransactionAsync(tx => WriteDrill(tx, drill, insert: false), cancellationToken, durable: true);

    public Task FinishDrillAsync(DrillRecord drill, RestoreTest? evidence, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            tx =>
            {
                WriteDrill(tx, drill, insert: false);
                if (evidence is not null)
                {
                    RunStore.InsertRestoreTest(db, tx, evidence);
                }
            },
            cancellationToken
        );

    public async Task<IReadOnlyList<DrillRecord>> UnfinishedDrillsAsync(CancellationToken cancellationToken) =>
        await db.ReadAsync(
            $"SELECT {DrillColumns} FROM drills WHERE state = 'Running' OR (cleaned_up = 0 AND restore_upid IS NOT NULL) ORDER BY started_at",
            null,
            ReadDrill,
            cancellationToken
        );

    /// <summary>The newest drills first, optionally of one guest.</summary>
    public async Task<IReadOnlyList<DrillRecord>> RecentDrillsAsync(int count, GuestKey? guest, CancellationToken cancellationToken) =>
        await db.ReadAsync(
            $"SELECT {DrillColumns} FROM drills WHERE ($cluster IS NULL OR (cluster = $cluster AND vmid = $vmid)) ORDER BY started_at DESC LIMIT $n",
            cmd =>
            {
                cmd.Parameters.AddWithValue("$cluster", (object?)guest?.Cluster ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$vmid", guest?.Vmid ?? 0);
                cmd.Parameters.AddWithValue("$n", count);
            },
            ReadDrill,
            cancellationToken
        );

    private void WriteDrill(SqliteTransaction tx, DrillRecord d, bool insert)
    {
        using var cmd = db.Command(
            tx,
            insert
                ? $"INSERT INTO drills ({DrillColumns}) VALUES ($id, $cluster, $vmid, $name, $type, $node, $scratch, $archive, $backup, $started, $finished, $state, $phase, $restore, $boot, $reason, $upid, $cleaned, $probes, $row)"
                : "UPDATE drills SET finished_at = $finished, state = $state, phase = $phase, restore_seconds = $restore, boot_seconds = $boot, reason = $reason, restore_upid = $upid, cleaned_up = $cleaned, probes = $probes, failed_in_row = $row WHERE id = $id"
        );
        cmd.Parameters.AddWithValue("$id", d.Id);
        cmd.Parameters.AddWithValue("$cluster", d.Guest.Cluster);
        cmd.Parameters.AddWithValue("$vmid", d.Guest.Vmid);
        cmd.Parameters.AddWithValue("$name", (object?)d.GuestName ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$type", d.Type);
        cmd.Parameters.AddWithValue("$node", d.Node);
        cmd.Parameters.AddWithValue("$scratch", d.ScratchVmid);
        cmd.Parameters.AddWithValue("$archive", d.Archive);
        cmd.Parameters.AddWithValue("$backup", (object?)d.BackupTime?.ToUnixTimeSeconds() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$started", d.StartedAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$finished", (object?)d.FinishedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$state", d.State.ToString());
        cmd.Parameters.AddWithValue("$phase", d.Phase);
        cmd.Parameters.AddWithValue("$restore", (object?)d.RestoreSeconds ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$boot", (object?)d.BootSeconds ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$reason", (object?)d.Reason ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$upid", (object?)d.RestoreUpid ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$cleaned", d.CleanedUp ? 1 : 0);
        cmd.Parameters.AddWithValue("$row", (object?)d.FailedInRow ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$probes", d.Probes.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(d.Probes, ProbeJson));
        cmd.ExecuteNonQuery();
    }

    private static DrillRecord ReadDrill(SqliteDataReader r) =>
        new()
        {
            Id = r.GetString(0),
            Guest = new GuestKey(r.GetString(1), r.GetInt32(2)),
            GuestName = r.IsDBNull(3) ? null : r.GetString(3),
            Type = r.GetString(4),
            Node = r.GetString(5),
            ScratchVmid = r.GetInt32(6),
            Archive = r.GetString(7),
            BackupTime = r.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(8)),
            StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)),
            FinishedAt = r.IsDBNull(10) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(10)),
            State = Enum.Parse<DrillState>(r.GetString(11)),
            Phase = r.GetString(12),
            RestoreSeconds = r.IsDBNull(13) ? null : r.GetDouble(13),
            BootSeconds = r.IsDBNull(14) ? null : r.GetDouble(14),
            Reason = r.IsDBNull(15) ? null : r.GetString(15),
            RestoreUpid = r.IsDBNull(16) ? null : r.GetString(16),
            CleanedUp = r.GetInt64(17) != 0,
            Probes = r.IsDBNull(18) ? [] : JsonSerializer.Deserialize<List<ProbeOutcome>>(r.GetString(18), ProbeJson) ?? [],
            FailedInRow = r.IsDBNull(19) ? null : r.GetInt32(19),
        };

    /// <summary>Probe outcomes as a JSON array in one column (state by name).</summary>
    private static readonly JsonSerializerOptions ProbeJson = new() { Converters = { new JsonStringEnumConverter<ProbeState>() } };
}
