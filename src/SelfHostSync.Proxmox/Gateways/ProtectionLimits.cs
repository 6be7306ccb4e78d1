using System.Globalization;
using SelfHostSync.Core.Drills;
using SelfHostSync.Core.Sync;
using SelfHostSync.Proxmox.Pve;

namespace SelfHostSync.Proxmox.Gateways;

/// <summary>
/// <c>doctor</c> for <c>ProtectProven</c>. Protecting a backup through PVE needs the access a restore of it needs (which the
/// drill lines check), and pve-storage limits protected backups per guest and storage: <c>max-protected-backups</c>, else
/// unlimited with Datastore.Allocate on the storage and 5 without (<c>get_max_protected_backups</c>). The next proven
/// backup is protected before the oldest one is released, so a storage must allow <c>KeepProven</c> + 1.
/// </summary>
internal static class ProtectionLimits
{
    public static Diagnosis? Diagnose(string subject, IEnumerable<StorageDto> storages, TokenPermissions permissions, DrillSettings settings)
    {
        if (settings.KeepProven == 0)
        {
            return null;
        }

        var limits = storages
            .Where(s =>
                s.Storage is not null && !Wire.Bool(s.Disable) && (s.Content ?? string.Empty).Split(',').Contains("backup", StringComparer.Ordinal)
            )
            .Select(s =>
                (s.Storage!, Limit: Wire.Int(s.MaxProtectedBackups) ?? (permissions.Has("Datastore.Allocate", $"/storage/{s.Storage}") ? -1 : 5))
            )
            .OrderBy(l => l.Item1, StringComparer.Ordinal)
            .ToList();
        var needed = settings.KeepProven + 1;
        var tight = limits.Where(l => l.Limit > -1 && l.Limit < needed).ToList();
        string Text((string Storage, int Limit) l) =>
            string.Create(
                CultureInfo.InvariantCulture,
                $"{l.Storage} {(l.Limit < 0 ? "unlimited" : l.Limit.ToString(CultureInfo.InvariantCulture))}"
            );
        return tight.Count > 0
            ? new Diagnosis(
                subject,
                DiagnosisLevel.Warning,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"ProtectProven: PVE allows too few protected backups per guest on {string.Join(", ", tight.Select(Text))}; KeepProven {settings.KeepProven} needs {needed} (the next proven backup is protected before the oldest is released): raise max-protected-backups on the storage or lower KeepProven"
                )
            )
            : new Diagnosis(
                subject,
                DiagnosisLevel.Ok,
                $"ProtectProven: proven backups are protected through PVE with the access a restore needs; protected backups allowed per guest: {string.Join(", ", limits.Select(Text))}"
            );
    }
}
