using System.Text.RegularExpressions;

namespace SelfHostSync.Lab.Pve;

/// <summary>
/// What PVE refuses a caller that is not root@pam, on a restore and on config changes (qemu-server
/// <c>check_restore_permissions</c> and <c>$check_vm_modify_config_perm</c>, pve-container's restore worker and
/// <c>check_ct_modify_config_perm</c>), with PVE's own texts.
/// </summary>
internal static partial class PveRestoreRules
{
    /// <summary>
    /// <c>check_vnet_access</c>: the paths SDN.Use is checked on for a NIC, <c>/sdn/zones/&lt;zone&gt;/&lt;bridge&gt;</c> with
    /// <c>/&lt;tag&gt;</c>, or one per VLAN of <c>trunks</c>; zone <c>localnetwork</c> unless the bridge is a vnet.
    /// </summary>
    public static IEnumerable<string> SdnPaths(string? net, Func<string, string> zoneOf)
    {
        var parts = Parse(net);
        if (!parts.TryGetValue("bridge", out var bridge))
        {
            yield break;
        }

        var root = $"/sdn/zones/{zoneOf(bridge)}/{bridge}";
        if (parts.TryGetValue("tag", out var tag))
        {
            yield return $"{root}/{tag}";
        }
        else if (parts.TryGetValue("trunks", out var trunks))
        {
            foreach (var range in trunks.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(r => r.Split('-')))
            {
                for (
                    var vlan = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
                    vlan <= int.Parse(range[^1], System.Globalization.CultureInfo.InvariantCulture);
                    vlan++
                )
                {
                    yield return $"{root}/{vlan}";
                }
            }
        }
        else
        {
            yield return root;
        }
    }

    /// <summary>Checks the restore worker makes on the restored config; null when it may go on.</summary>
    public static string? RestoreRefusal(
        string type,
        IReadOnlyDictionary<string, string> config,
        Func<string, string, bool> has,
        bool root,
        Func<string, string> zoneOf
    )
    {
        foreach (var (key, value) in config.Where(kv => NetKey().IsMatch(kv.Key)))
        {
            if (!root && SdnPaths(value, zoneOf).FirstOrDefault(p => !has("SDN.Use", p)) is { } path)
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

                if (
                    UsbKey().IsMatch(key)
                    && !value.Contains("mapping=", StringComparison.Ordinal)
                    && !value.StartsWith("spice", StringComparison.Ordinal)
                )
                {
                    return $"only root can set '{key}' config for real devices";
                }

                // check_mapping_access: a mapped device needs Mapping.Use on its mapping.
                var fields = Parse(value);
                var mapping =
                    HostPciKey().IsMatch(key) && fields.TryGetValue("mapping", out var pci) ? $"/mapping/pci/{pci}"
                    : UsbKey().IsMatch(key) && fields.TryGetValue("mapping", out var usb) ? $"/mapping/usb/{usb}"
                    : null;
                if (mapping is not null && !has("Mapping.Use", mapping))
                {
                    return $"403 Permission check failed ({mapping}, Mapping.Use)";
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
                return (
                    500,
                    delete ? $"only root can delete '{key}' config for real devices" : $"only root can modify '{key}' config for real devices"
                );
            }

            if (HostPciKey().IsMatch(key) && oldValue is not null && !oldValue.Contains("mapping=", StringComparison.Ordinal))
            {
                return (500, $"only root can set '{key}' config for non-mapped devices");
            }

            if (
                UsbKey().IsMatch(key)
                && oldValue is not null
                && !oldValue.Contains("mapping=", StringComparison.Ordinal)
                && !oldValue.StartsWith("spice", StringComparison.Ordinal)
            )
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
        (value ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
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
