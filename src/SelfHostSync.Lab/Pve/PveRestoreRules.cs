using System.Text.RegularExpressions;

namespace SelfHostSync.Lab.Pve;

/// <summary>
/// What PVE refuses a caller that is not root@pam, on a restore and on config changes (qemu-server
/// <c>check_restore_permissions</c> and <c>$check_vm_modify_config_perm</c>, pve-container's restore worker and
/// <c>check_ct_modify_config_perm</c>), with PVE's own texts.
/// </summary>
internal static partial class PveRestoreRules
{
    /// <summary>The SDN.Use path of a NIC: <c>/sdn/zones/localnetwork/&lt;bridge&gt;[/&lt;tag&gt;]</c> (plain Linux bridges).</summary>
    public static string? BridgePath(string? net)
    {
        var parts = Parse(net);
        if (!parts.TryGetValue("bridge", out var bridge))
        {
            return null;
        }

        return parts.TryGetValue("tag", out var tag) ? $"/sdn/zones/localnetwork/{bridge}/{tag}" : $"/sdn/zones/localnetwork/{bridge}";
    }

    /// <summary>Checks the restore worker makes on the restored config; null when it may go on.</summary>
    public static string? RestoreRefusal(string type, IReadOnlyDictionary<string, string> config, Func<string, string, bool> has, bool root)
    {
        foreach (var (key, value) in config.Where(kv => NetKey().IsMatch(kv.Key)))
        {
            if (!root && BridgePath(value) is { } path && !has("SDN.Use", path))
            {
                return $"403 Permission check failed ({path}, SDN.Use)";
            }
        }

        if (root)
        {
            return null;
        }

        if (type == "qemu")
        {
            foreach (var (key, value) in config)
            {
                if (HostPciKey().IsMatch(key) && !value.Contains("mapping=", StringComparison.Ordinal))
                {
                    return $"only root can set '{key}' config for non-mapped devices";
                }

                if (UsbKey().IsMatch(key) && !value.Contains("mapping=", StringComparison.Ordinal) && !value.StartsWith("spice", StringComparison.Ordinal))
                {
                    return $"only root can set '{key}' config for real devices";
                }
            }

            return null;
        }

        if (config.GetValueOrDefault("unprivileged") != "1" && !has("Sys.Modify", "/"))
        {
            return "403 Permission check failed (/, Sys.Modify)";
        }

        var bind = config.FirstOrDefault(kv => MountKey().IsMatch(kv.Key) && kv.Value.StartsWith('/'));
        return bind.Key is null ? null : $"restoring '{bind.Key}' to bind mount is only possible for root";
    }

    /// <summary>A config change (set or delete) a non-root caller may not make: (HTTP status, message) or null.</summary>
    public static (int Status, string Message)? ChangeRefusal(string type, string key, string? oldValue, bool delete)
    {
        if (type == "qemu")
        {
            if (key is "hookscript" or "ivshmem" or "args" or "affinity" || ParallelKey().IsMatch(key))
            {
                return (500, $"only root can set '{key}' config");
            }

            if (SerialKey().IsMatch(key) && (oldValue ?? "socket") != "socket")
            {
                return (500, delete ? $"only root can delete '{key}' config for real devices" : $"only root can modify '{key}' config for real devices");
            }

            if (HostPciKey().IsMatch(key) && oldValue is not null && !oldValue.Contains("mapping=", StringComparison.Ordinal))
            {
                return (500, $"only root can set '{key}' config for non-mapped devices");
            }

            if (UsbKey().IsMatch(key) && oldValue is not null && !oldValue.Contains("mapping=", StringComparison.Ordinal) && !oldValue.StartsWith("spice", StringComparison.Ordinal))
            {
                return (500, $"only root can set '{key}' config for real devices");
            }

            return null;
        }

        if (DevKey().IsMatch(key))
        {
            return (403, "Permission check failed (configuring device passthrough is only allowed for root@pam)");
        }

        if (key == "hookscript")
        {
            return (403, "Permission check failed (changing the hookscript is only allowed for root@pam)");
        }

        return MountKey().IsMatch(key) && oldValue?.StartsWith('/') == true
            ? (403, "Permission check failed (mount point type bind is only allowed for root@pam)")
            : null;
    }

    private static Dictionary<string, string> Parse(string? value) =>
        (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);

    [GeneratedRegex(@"^net\d+$")]
    public static partial Regex NetKey();

    [GeneratedRegex(@"^hostpci\d+$")]
    private static partial Regex HostPciKey();

    [GeneratedRegex(@"^usb\d+$")]
    private static partial Regex UsbKey();

    [GeneratedRegex(@"^serial\d+$")]
    private static partial Regex SerialKey();

    [GeneratedRegex(@"^parallel\d+$")]
    private static partial Regex ParallelKey();

    [GeneratedRegex(@"^dev\d+$")]
    private static partial Regex DevKey();

    [GeneratedRegex(@"^mp\d+$")]
    private static partial Regex MountKey();
}
