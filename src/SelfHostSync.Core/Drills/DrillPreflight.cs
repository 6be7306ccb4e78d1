using System.Text.RegularExpressions;

namespace SelfHostSync.Core.Drills;

/// <summary>
/// Why the drill token cannot restore and isolate a guest, decided from the source's configuration before any restore:
/// PVE lets only root@pam set or remove some keys (qemu-server <c>$check_vm_modify_config_perm</c>, pve-container
/// <c>check_ct_modify_config_perm</c>), refuses raw passthrough and bind mounts to others on restore, wants
/// <c>Sys.Modify</c> on <c>/</c> for a privileged container and <c>SDN.Use</c> on every bridge (PVE 8+).
/// </summary>
public static partial class DrillPreflight
{
    /// <param name="config">The source guest's configuration (what the restore brings back).</param>
    /// <param name="type"><c>qemu</c> or <c>lxc</c>.</param>
    /// <param name="isolation">How NICs are isolated: an isolated bridge needs SDN.Use too.</param>
    /// <param name="has">Whether the drill token holds a privilege on an ACL path.</param>
    /// <param name="root">The drill token authenticates as root@pam itself (a root token is not root here).</param>
    public static IReadOnlyList<string> Blockers(IReadOnlyDictionary<string, string> config, string type, DrillIsolation isolation, Func<string, string, bool> has, bool root)
    {
        if (root)
        {
            return [];
        }

        var found = new List<string>();
        foreach (var (key, value) in config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var why = type == "lxc" ? ContainerKey(key, value) : VmKey(key, value);
            if (why is not null)
            {
                found.Add(why);
            }

            if (NetKey().IsMatch(key) && BridgePath(value) is { } path && !has("SDN.Use", path))
            {
                found.Add($"{key} is on a bridge the drill token may not use (SDN.Use on {path})");
            }
        }

        if (type == "lxc" && config.GetValueOrDefault("unprivileged") != "1" && !has("Sys.Modify", "/"))
        {
            found.Add("a privileged container: restoring one needs Sys.Modify on /");
        }

        if (isolation.Bridge is { } bridge && config.Keys.Any(k => NetKey().IsMatch(k)) && !has("SDN.Use", $"/sdn/zones/localnetwork/{bridge}"))
        {
            found.Add($"the isolated bridge needs SDN.Use on /sdn/zones/localnetwork/{bridge}");
        }

        return found;
    }

    /// <summary>The SDN.Use path of a NIC on a plain Linux bridge: <c>/sdn/zones/localnetwork/&lt;bridge&gt;[/&lt;tag&gt;]</c>.</summary>
    public static string? BridgePath(string net)
    {
        string? bridge = null;
        string? tag = null;
        foreach (var part in net.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("bridge=", StringComparison.Ordinal))
            {
                bridge = part[7..];
            }
            else if (part.StartsWith("tag=", StringComparison.Ordinal))
            {
                tag = part[4..];
            }
        }

        return bridge is null ? null : tag is null ? $"/sdn/zones/localnetwork/{bridge}" : $"/sdn/zones/localnetwork/{bridge}/{tag}";
    }

    private static string? VmKey(string key, string value)
    {
        if (key is "hookscript" or "ivshmem" || ParallelKey().IsMatch(key))
        {
            return $"'{key}' can only be removed by root@pam";
        }

        if (SerialKey().IsMatch(key) && value != "socket")
        {
            return $"'{key}' is a real device, which only root@pam can remove";
        }

        if (HostPciKey().IsMatch(key) && !value.Contains("mapping=", StringComparison.Ordinal))
        {
            return $"raw PCI passthrough '{key}' can only be restored by root@pam";
        }

        return UsbKey().IsMatch(key) && !value.Contains("mapping=", StringComparison.Ordinal) && !value.StartsWith("spice", StringComparison.Ordinal)
            ? $"raw USB passthrough '{key}' can only be restored by root@pam"
            : null;
    }

    private static string? ContainerKey(string key, string value) =>
        key == "hookscript" ? "'hookscript' can only be removed by root@pam"
        : DeviceKey().IsMatch(key) ? $"device passthrough '{key}' can only be removed by root@pam"
        : MountKey().IsMatch(key) && IsolationPlanner.IsBindMount(value) ? $"bind mount '{key}' can only be restored by root@pam"
        : null;

    [GeneratedRegex(@"^net\d+$")]
    private static partial Regex NetKey();

    [GeneratedRegex(@"^hostpci\d+$")]
    private static partial Regex HostPciKey();

    [GeneratedRegex(@"^usb\d+$")]
    private static partial Regex UsbKey();

    [GeneratedRegex(@"^serial\d+$")]
    private static partial Regex SerialKey();

    [GeneratedRegex(@"^parallel\d+$")]
    private static partial Regex ParallelKey();

    [GeneratedRegex(@"^dev\d+$")]
    private static partial Regex DeviceKey();

    [GeneratedRegex(@"^mp\d+$")]
    private static partial Regex MountKey();
}
