using SelfHostSync.Core.Checks;
using SelfHostSync.Core.Matrix;
using SelfHostSync.Core.Sync;
using SelfHostSync.Http;
using SelfHostSync.Output;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Control;

/// <summary>
/// <c>GET /metrics</c>: the last finished run as Prometheus gauges (levels, check status 0 pass · 1 warn · 2 fail ·
/// 3 unknown, evidence ages), source health, and API requests per endpoint since start. Derived from a snapshot on
/// every scrape, so nothing goes stale when a guest disappears.
/// </summary>
internal static class Metrics
{
    private static readonly (string Name, string Check, string Help)[] Ages =
    [
        ("selfhostsync_backup_age_seconds", CheckIds.BackupFresh, "Age of the newest backup copy of the guest"),
        ("selfhostsync_verify_age_seconds", CheckIds.BackupVerified, "Age of the newest verified backup (or restore test standing in for it)"),
        ("selfhostsync_restore_test_age_seconds", CheckIds.RestoreTested, "Age of the newest successful restore test"),
        ("selfhostsync_offsite_age_seconds", CheckIds.OffsitePresent, "Age of the newest copy observed off site"),
    ];

    public static async Task WriteAsync(
        TextWriter output,
        RunReport? last,
        RequestMeter meter,
        DateTimeOffset now,
        IReadOnlyList<Core.Drills.DrillRecord>? drills,
        CancellationToken cancellationToken
    )
    {
        var text = new PrometheusText(output);
        var guests = last?.Guests ?? [];
        await text.FamilyAsync(
            "selfhostsync_guest_level",
            "gauge",
            "Responsibility level of a Proxmox guest (always 1; the level is a label)",
            guests.Select(g => (L(("cluster", g.Cluster), ("vmid", Id(g.Vmid)), ("name", g.Name ?? string.Empty), ("level", g.Level.ToCode())), 1.0)),
            cancellationToken
        );
        await text.FamilyAsync(
            "selfhostsync_proven_restore_point_age_seconds",
            "gauge",
            "Age of the newest backup proven to restore (a passed drill or a recorded restore of that archive): the recovery point one can rely on",
            guests
                .Where(g => g.ProvenRestorePoint is not null)
                .Select(g => (L(("cluster", g.Cluster), ("vmid", Id(g.Vmid))), Math.Max(0, g.ProvenRestorePoint!.AgeAt(now).TotalSeconds))),
            cancellationToken
        );
        await text.FamilyAsync(
            "selfhostsync_inventory_level",
            "gauge",
            "Responsibility level of a system outside Proxmox (Inventory)",
            (last?.Inventory ?? []).Select(i => (L(("name", i.Name), ("level", i.Level.ToCode())), 1.0)),
            cancellationToken
        );
        await text.FamilyAsync(
            "selfhostsync_inventory_check_status",
            "gauge",
            "Check status of a system outside Proxmox: 0 pass, 1 warn, 2 fail, 3 unknown",
            (last?.Inventory ?? []).SelectMany(i => i.Checks.Select(c => (L(("name", i.Name), ("check", c.Id)), (double)Code(c.Status)))),
            cancellationToken
        );
        await text.FamilyAsync(
            "selfhostsync_check_status",
            "gauge",
            "Check status: 0 pass, 1 warn, 2 fail, 3 unknown",
            guests.SelectMany(g => g.Checks.Select(c => (L(("cluster", g.Cluster), ("vmid", Id(g.Vmid)), ("check", c.Id)), (double)Code(c.Status)))),
            cancellationToken
        );
        foreach (var (name, check, help) in Ages)
        {
            await text.FamilyAsync(
                name,
                "gauge",
                help,
                guests
                    .Select(g => (g, c: g.Checks.FirstOrDefault(c => c.Id == check && c.EvidenceAt is not null)))
                    .Where(x => x.c is not null)
                    .Select(x => (L(("cluster", x.g.Cluster), ("vmid", Id(x.g.Vmid))), Math.Max(0, (now - x.c!.EvidenceAt!.Value).TotalSeconds))),
                cancellationToken
            );
        }

        await text.FamilyAsync(
            "selfhostsync_last_run_timestamp_seconds",
            "gauge",
            "When the last pass finished (Unix time)",
            last is null ? [] : [(L(), last.FinishedAt.ToUnixTimeMilliseconds() / 1000.0)],
            cancellationToken
        );
        await text.FamilyAsync(
            "selfhostsync_run_duration_seconds",
            "gauge",
            "How long the last pass took",
            last is null ? [] : [(L(), (last.FinishedAt - last.StartedAt).TotalSeconds)],
            cancellationToken
        );
        await text.FamilyAsync(
            "selfhostsync_run_degraded",
            "gauge",
            "1 when the last pass could not read every source",
            last is null ? [] : [(L(), last.Degraded ? 1.0 : 0.0)],
            cancellationToken
        );
        await text.FamilyAsync(
            "selfhostsync_tag_writes",
            "gauge",
            "Tag writes of the last pass",
            last is null ? [] : [(L(), (double)last.Writes)],
            cancellationToken
        );
        await text.FamilyAsync(
            "selfhostsync_source_up",
            "gauge",
            "1 when the source was read completely in the last pass",
            (last?.Sources ?? []).Select(s => (L(("kind", s.Kind), ("name", s.Name)), s.Ok ? 1.0 : 0.0)),
            cancellationToken
        );
        // The last finished drill of each guest (aborted and errored drills say nothing about the backup).
        var lastDrills = (drills ?? [])
            .Where(d => d.State is Core.Drills.DrillState.Passed or Core.Drills.DrillState.Failed)
            .GroupBy(d => d.Guest)
            .Select(g => g.MaxBy(d => d.StartedAt)!)
            .OrderBy(d => d.Guest)
            .ToList();
        await text.FamilyAsync(
            "selfhostsync_restore_drill_duration_seconds",
            "gauge",
            "Phases of the guest's last restore drill: restore, boot (start to probe answer), total (measured RTO)",
            lastDrills.SelectMany(d =>
                new[] { ("restore", d.RestoreSeconds), ("boot", d.BootSeconds), ("total", d.RtoSeconds) }
                    .Where(p => p.Item2 is not null)
                    .Select(p => (L(("cluster", d.Guest.Cluster), ("vmid", Id(d.Guest.Vmid)), ("phase", p.Item1)), p.Item2!.Value))
            ),
            cancellationToken
        );
        await text.FamilyAsync(
            "selfhostsync_restore_drill_result",
            "gauge",
            "Result of the guest's last restore drill: 1 passed, 0 failed",
            lastDrills.Select(d =>
                (L(("cluster", d.Guest.Cluster), ("vmid", Id(d.Guest.Vmid))), d.State == Core.Drills.DrillState.Passed ? 1.0 : 0.0)
            ),
            cancellationToken
        );
        await text.FamilyAsync(
            "selfhostsync_restore_drill_probe_result",
            "gauge",
            "Application probes of the guest's last restore drill: 1 passed, 0 failed or timed out (probes that could not run are left out)",
            lastDrills.SelectMany(d =>
                d.Probes.Where(p => p.State != Core.Drills.ProbeState.NotAvailable)
                    .Select(p =>
                        (
                            L(("cluster", d.Guest.Cluster), ("vmid", Id(d.Guest.Vmid)), ("probe", p.Name)),
                            p.State == Core.Drills.ProbeState.Passed ? 1.0 : 0.0
                        )
                    )
            ),
            cancellationToken
        );
        await text.FamilyAsync(
            "selfhostsync_restore_drill_timestamp_seconds",
            "gauge",
            "When the guest's last restore drill finished (Unix time)",
            lastDrills
                .Where(d => d.FinishedAt is not null)
                .Select(d => (L(("cluster", d.Guest.Cluster), ("vmid", Id(d.Guest.Vmid))), d.FinishedAt!.Value.ToUnixTimeMilliseconds() / 1000.0)),
            cancellationToken
        );
        // The daemon's own footprint (a PBS host has better uses for its memory); figures in BENCHMARKS.md.
        var gc = GC.GetGCMemoryInfo();
        await text.FamilyAsync(
            "process_resident_memory_bytes",
            "gauge",
            "Resident memory of the selfhostsync process",
            [(L(), (double)Environment.WorkingSet)],
            cancellationToken
        );
        await text.FamilyAsync(
            "dotnet_gc_heap_size_bytes",
            "gauge",
            "Managed heap size after the last garbage collection",
            [(L(), (double)gc.HeapSizeBytes)],
            cancellationToken
        );
        await text.FamilyAsync(
            "dotnet_gc_committed_bytes",
            "gauge",
            "Memory committed by the garbage collector",
            [(L(), (double)gc.TotalCommittedBytes)],
            cancellationToken
        );
        await text.FamilyAsync(
            "dotnet_gc_fragmented_bytes",
            "gauge",
            "Free space inside the managed heap after the last garbage collection",
            [(L(), (double)gc.FragmentedBytes)],
            cancellationToken
        );
        string[] generations = ["0", "1", "2", "loh", "poh"];
        await text.FamilyAsync(
            "dotnet_gc_generation_size_bytes",
            "gauge",
            "Size of each managed heap generation after the last garbage collection",
            gc.GenerationInfo.ToArray()
                .Select((g, i) => (L(("generation", i < generations.Length ? generations[i] : Id(i))), (double)g.SizeAfterBytes)),
            cancellationToken
        );
        await text.FamilyAsync(
            "selfhostsync_api_requests_total",
            "counter",
            "HTTP requests sent to each API endpoint since the daemon started",
            meter.Snapshot().Select(kv => (L(("kind", kv.Key.Split(':', 2)[0]), ("name", kv.Key.Split(':', 2)[^1])), (double)kv.Value.Requests)),
            cancellationToken
        );
        await text.FlushAsync(cancellationToken);
    }

    private static int Code(CheckStatus status) =>
        status switch
        {
            CheckStatus.Pass => 0,
            CheckStatus.Warn => 1,
            CheckStatus.Fail => 2,
            _ => 3,
        };

    private static string Id(int vmid) => vmid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static IReadOnlyList<(string, string)> L(params (string, string)[] labels) => labels;
}
