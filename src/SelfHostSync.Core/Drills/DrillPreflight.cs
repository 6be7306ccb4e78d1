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
    /// <param name="zoneOf">The SDN zone of each bridge the restore node has: <c>localnetwork</c> for its own bridges, the
    /// vnet's zone for an SDN vnet, null for a bridge it does not have (or a vnet the token cannot see). Without it, every
    /// bridge counts as a plain one.</param>
    public static IReadOnlyList<string> Blockers(
        IReadOnlyDictionary<string, string> config,
        string type,
        DrillIsolation isolation,
        Func<string, string, bool> has,
        bool root,
        Func<string, string?>? zoneOf = null
    )
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

            if (type != "lxc" && MappingPath(key, value) is { } mapping && !has("Mapping.Use", mapping))
            {
                found.Add($"'{key}' uses a resource mapping the drill token may not use (Mapping.Use on {mapping})");
            }

            if (NetKey().IsMatch(key) && zoneOf is not null && Field(value, "bridge") is { } nicBridge && zoneOf(nicBridge) is null)
            {
                found.Add($"{key} is on '{nicBridge}', neither a bridge of the restore node nor an SDN vnet the drill token may audit");
            }
            else if (NetKey().IsMatch(key) && SdnPaths(value, zoneOf).FirstOrDefault(p => !has("SDN.Use", p)) is { } path)
            {
                found.Add($"{key} is on a bridge the drill token may not use (SDN.Use on {path})");
            }
        }

        if (type == "lxc" && config.GetValueOrDefault("unprivileged") != "1" && !has("Sys.Modify", "/"))
        {
            found.Add("a privileged container: restoring one needs Sys.Modify on /");
        }

        if (
            isolation.Bridge is { } bridge
            && config.Keys.Any(k => NetKey().IsMatch(k))
            && SdnPaths($"bridge={bridge}", zoneOf)[0] is var isolated
            && !has("SDN.Use", isolated)
        )
        {
            found.Add($"the isolated bridge needs SDN.Use on {isolated}");
        }

        return found;
    }

    /// <summary>
    /// The ACL paths PVE checks SDN.Use on for one NIC (pve-guest-common <c>check_vnet_access</c>):
    /// <c>/sdn/zones/&lt;zone&gt;/&lt;bridge&gt;</c>, or per VLAN with <c>tag</c> (one) or <c>trunks</c> (each, ranges expanded).
    /// The zone is <c>localnetwork</c> unless the bridge is an SDN vnet. Empty when the NIC names no bridge.
    /// </summary>
    public static IReadOnlyList<string> SdnPaths(string net, Func<string, string?>? zoneOf = null)
    {
        string? bridge = null;
        string? tag = null;
        string? trunks = null;
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
            else if (part.StartsWith("trunks=", StringComparison.Ordinal))
            {
                trunks = part[7..];
            }
        }

        if (bridge is null)
        {
            return [];
        }

        var root = $"/sdn/zones/{zoneOf?.Invoke(bridge) ?? "localnetwork"}/{bridge}";
        if (tag is not null)
        {
            return [$"{root}/{tag}"];
        }

        if (trunks is null)
        {
            return [root];
        }

        var paths = new List<string>();
        foreach (var range in trunks.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var ends = range.Split('-', 2);
            if (int.TryParse(ends[0], out var first) && int.TryParse(ends[^1], out var last))
            {
                for (var vlan = first; vlan <= last && vlan <= 4094; vlan++)
                {
                    paths.Add($"{root}/{vlan}");
                }
            }
        }

        return paths.Count == 0 ? [root] : paths;
    }

    private static string? Field(string value, string name) =>
        value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(p => p.StartsWith(name + "=", StringComparison.Ordinal))
            ?[(name.Length + 1)..];

    /// <summary>
    /// The mapping a VM key uses, whose Mapping.Use PVE checks on restore (qemu-server <c>check_mapping_access</c>):
    /// <c>/mapping/pci/&lt;id&gt;</c>, <c>/mapping/usb/&lt;id&gt;</c>, <c>/mapping/hwrng</c>, <c>/mapping/dir/&lt;id&gt;</c>.
    /// </summary>
    public static string? MappingPath(string key, string value)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? Field(string name) => parts.FirstOrDefault(p => p.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
        return key switch
        {
            _ when HostPciKey().IsMatch(key) && Field("mapping") is { } pci => $"/mapping/pci/{pci}",
            _ when UsbKey().IsMatch(key) && Field("mapping") is { } usb => $"/mapping/usb/{usb}",
            _ when RngKey().IsMatch(key) && Field("source") == "/dev/hwrng" => "/mapping/hwrng",
            _ when VirtiofsKey().IsMatch(key)
                    && (Field("dirid") ?? parts.FirstOrDefault(p => !p.Contains('=', StringComparison.Ordinal))) is { } dir => $"/mapping/dir/{dir}",
            _ => null,
        };
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

    [GeneratedRegex(@"^rng\d+$")]
    private static partial Regex RngKey();

    [GeneratedRegex(@"^virtiofs\d+$")]
    private static partial Regex VirtiofsKey();

    [GeneratedRegex(@"^serial\d+$")]
    private static partial Regex SerialKey();

    [GeneratedRegex(@"^parallel\d+$")]
    private static partial Regex ParallelKey();

    [GeneratedRegex(@"^dev\d+$")]
    private static partial Regex DeviceKey();

    [GeneratedRegex(@"^mp\d+$")]
    private static partial Regex MountKey();
}
