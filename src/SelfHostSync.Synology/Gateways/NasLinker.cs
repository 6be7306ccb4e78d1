using System.Globalization;
using System.Net;
using SelfHostSync.Core.Sync;

namespace SelfHostSync.Synology.Gateways;

/// <summary>What the NAS told us, reduced to what linking needs.</summary>
internal sealed record NasFacts(
    string Hostname,
    IReadOnlySet<string> Addresses,
    IReadOnlyDictionary<string, string> ShareVolumes,
    IReadOnlyList<NasVolume> Volumes
);

/// <param name="DiskTroubles">Disks of the pool that are failing (SMART, bad sectors, worn out): "Drive 2: SMART failing".</param>
internal sealed record NasVolume(
    string Id,
    string Path,
    string Status,
    string? PoolId,
    string? PoolStatus,
    int PoolDiskFailures,
    IReadOnlyList<string>? DiskTroubles = null
)
{
    public bool Healthy => Status == "normal" && PoolStatus is null or "normal" && PoolDiskFailures == 0 && DiskTroubles is null or [];

    public string Detail
    {
        get
        {
            var detail =
                PoolStatus is null or "normal" || Status != "normal"
                    ? $"{Id}: {Status}"
                    : $"{Id}: {Status}, pool {PoolId}: {PoolStatus}{(PoolDiskFailures > 0 ? string.Create(CultureInfo.InvariantCulture, $", {PoolDiskFailures} failed disks") : string.Empty)}";
            return DiskTroubles is null or [] ? detail : $"{detail}; pool {PoolId} disk {string.Join(", ", DiskTroubles)}";
        }
    }
}

/// <summary>A Hyper Backup task as the linker needs it.</summary>
internal sealed record BackupTask(
    string Name,
    IReadOnlyList<string> Sources,
    string Destination,
    bool Offsite,
    bool Usable,
    DateTimeOffset? LastSuccess
);

/// <summary>
/// Links PVE NFS/CIFS storages to this NAS: the server must be one of its addresses or its host name; an NFS export
/// <c>/volumeN/share[/…]</c> or a CIFS share (+ subdir) gives the NAS path. Pure, so it is tested table-driven.
/// </summary>
internal static class NasLinker
{
    /// <summary>The NAS path behind a storage, or null when the storage is not on this NAS.</summary>
    public static string? PathOf(StorageRef storage, NasFacts nas, string configuredHost)
    {
        if (storage.Type is not ("nfs" or "cifs") || storage.Server is not { Length: > 0 } server || !IsThisNas(server, nas, configuredHost))
        {
            return null;
        }

        if (storage.Type == "nfs")
        {
            var export = storage.Export?.TrimEnd('/');
            return export is not null && export.StartsWith("/volume", StringComparison.Ordinal) ? export : null;
        }

        var share = nas.ShareVolumes.FirstOrDefault(kv => string.Equals(kv.Key, storage.Share, StringComparison.OrdinalIgnoreCase));
        if (share.Key is null)
        {
            return null;
        }

        var sub = storage.Subdir?.Trim('/');
        return $"{share.Value}/{share.Key}" + (string.IsNullOrEmpty(sub) ? string.Empty : "/" + sub);
    }

    /// <summary>The volume holding a NAS path (longest <c>/volumeN</c> prefix on a path boundary).</summary>
    public static NasVolume? VolumeOf(string path, NasFacts nas) => nas.Volumes.Where(v => Covers(v.Path, path)).MaxBy(v => v.Path.Length);

    /// <summary>Does a backup source folder cover a path? Equal, or a prefix ending on a path boundary.</summary>
    public static bool Covers(string folder, string path)
    {
        var f = folder.TrimEnd('/');
        return path == f || path.StartsWith(f + "/", StringComparison.Ordinal);
    }

    private static bool IsThisNas(string server, NasFacts nas, string configuredHost)
    {
        var host = server.Trim('[', ']');
        if (nas.Addresses.Contains(host) || string.Equals(host, configuredHost, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (IPAddress.TryParse(host, out _))
        {
            return false;
        }

        var shortName = host.Split('.')[0];
        return string.Equals(shortName, nas.Hostname, StringComparison.OrdinalIgnoreCase)
            || string.Equals(host, nas.Hostname, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Hyper Backup's times: NAS-local wall-clock strings without a zone ("2023/12/21 01:12[:05]").</summary>
internal static class NasTime
{
    private static readonly string[] Formats = ["yyyy/MM/dd HH:mm:ss", "yyyy/MM/dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"];

    public static DateTimeOffset? Parse(string? text, TimeSpan offset) =>
        text is { Length: > 0 }
        && text != "N/A"
        && DateTime.TryParseExact(text.Trim(), Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, offset)
            : null;

    /// <summary>The NAS's UTC offset now: its local clock minus ours, rounded to 15 minutes.</summary>
    public static TimeSpan OffsetOf(string? nasLocalNow, DateTimeOffset utcNow)
    {
        if (Parse(nasLocalNow, TimeSpan.Zero) is not { } local)
        {
            return TimeSpan.Zero;
        }

        var minutes = (local.UtcDateTime - utcNow.UtcDateTime).TotalMinutes;
        return TimeSpan.FromMinutes(Math.Round(minutes / 15) * 15);
    }

    /// <summary>
    /// The offset to read Hyper Backup times with: from the NAS clock when it is plausible (within ±14 h), else from
    /// the zone description "(GMT+01:00) Brussels, …" (standard time, no DST), with a note that the clock is off.
    /// </summary>
    public static (TimeSpan Offset, string? Problem) Offset(string? nasLocalNow, string? zoneDescription, DateTimeOffset utcNow)
    {
        var fromClock = OffsetOf(nasLocalNow, utcNow);
        if (Parse(nasLocalNow, TimeSpan.Zero) is not null && Math.Abs(fromClock.TotalHours) <= 14)
        {
            return (fromClock, null);
        }

        var zone = ZoneOffset(zoneDescription);
        var problem = Parse(nasLocalNow, TimeSpan.Zero) is null
            ? null
            : $"the NAS clock ({nasLocalNow}) is far from ours; Hyper Backup times read as {(zone is null ? "UTC" : $"GMT{(zone.Value < TimeSpan.Zero ? "-" : "+")}{zone.Value:hh\\:mm}")}";
        return (zone ?? TimeSpan.Zero, problem);
    }

    private static TimeSpan? ZoneOffset(string? description)
    {
        var m = description is null ? null : System.Text.RegularExpressions.Regex.Match(description, @"GMT([+-])(\d{2}):(\d{2})");
        if (m is not { Success: true })
        {
            return null;
        }

        var span = new TimeSpan(
            int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
            0
        );
        return m.Groups[1].Value == "-" ? -span : span;
    }
}
