using System.Text.RegularExpressions;

namespace SelfHostSync.Core.Drills;

/// <summary>Config changes that make a restored guest safe to boot: settings to set and keys to delete.</summary>
public sealed record IsolationChange(IReadOnlyDictionary<string, string> Set, IReadOnlyList<string> Delete)
{
    public bool IsEmpty => Set.Count == 0 && Delete.Count == 0;
}

/// <summary>
/// Turns a restored config into the changes that isolate it: passthrough devices removed (a scratch guest must not
/// steal the production guest's GPU, USB stick, serial port or shared directory), host bind mounts removed from
/// containers (they would write into production data), hook scripts removed, every NIC link down or moved to the
/// isolated bridge, never started at boot.
/// </summary>
public static partial class IsolationPlanner
{
    public static IsolationChange Plan(IReadOnlyDictionary<string, string> config, string type, DrillIsolation isolation)
    {
        var set = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var delete = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in config)
        {
            if (key is "hookscript" or "ivshmem" or "rng0" || (key == "protection" && value != "0"))
            {
                // A hook script runs on the host at start and stop and may well act on production; shared memory and
                // host entropy devices bind to the host; protection would stop the scratch guest from being destroyed.
                delete.Add(key);
            }
            else if (
                type == "qemu"
                && (PassthroughKey().IsMatch(key) || (HostPortKey().IsMatch(key) && value.StartsWith("/dev/", StringComparison.Ordinal)))
            )
            {
                delete.Add(key);
            }
            else if (type == "lxc" && (DeviceKey().IsMatch(key) || (MountKey().IsMatch(key) && IsBindMount(value))))
            {
                delete.Add(key);
            }
            else if (NetKey().IsMatch(key))
            {
                var isolated = Isolate(value, isolation);
                if (!string.Equals(isolated, value, StringComparison.Ordinal))
                {
                    set[key] = isolated;
                }
            }
        }

        if (config.TryGetValue("onboot", out var onboot) && onboot != "0")
        {
            delete.Add("onboot");
        }

        return new IsolationChange(set, delete.ToList());
    }

    /// <summary>Whether every NIC of <paramref name="config"/> is isolated and no passthrough is left (checked before start).</summary>
    public static bool IsIsolated(IReadOnlyDictionary<string, string> config, string type, DrillIsolation isolation) =>
        Plan(config, type, isolation).IsEmpty;

    internal static string Isolate(string net, DrillIsolation isolation)
    {
        var parts = net.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (isolation.Bridge is { } bridge)
        {
            Replace(parts, "bridge", bridge);
        }
        else
        {
            Replace(parts, "link_down", "1");
        }

        return string.Join(',', parts);
    }

    private static void Replace(List<string> parts, string key, string value)
    {
        var i = parts.FindIndex(p => p.StartsWith(key + "=", StringComparison.Ordinal));
        if (i >= 0)
        {
            parts[i] = $"{key}={value}";
        }
        else
        {
            parts.Add($"{key}={value}");
        }
    }

    /// <summary>An LXC mount point whose volume is a host path (<c>mp0: /mnt/data,mp=/data</c> or <c>volume=/mnt/data,…</c>).</summary>
    internal static bool IsBindMount(string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        var volume = parts.FirstOrDefault(p => p.StartsWith("volume=", StringComparison.Ordinal))?["volume=".Length..]
            ?? (parts[0].Contains('=', StringComparison.Ordinal) ? string.Empty : parts[0]);
        return volume.StartsWith('/');
    }

    /// <summary>
    /// What the API cannot remove, so isolation cannot be guaranteed: raw QEMU <c>args</c> (a <c>-device vfio-pci</c> or
    /// <c>-netdev</c> there bypasses every check) and raw <c>lxc.*</c> entries (bind mounts, device rules). Null when none.
    /// </summary>
    public static string? Unisolatable(IReadOnlyDictionary<string, string> config) =>
        config.ContainsKey("args") ? "raw QEMU args"
        : config.Keys.Any(k => k == "lxc" || k.StartsWith("lxc.", StringComparison.Ordinal)) ? "raw lxc.* entries"
        : null;

    /// <summary>Whether the QEMU guest agent is enabled: <c>agent: 1</c> or <c>agent: enabled=1,…</c> (absent or 0: not).</summary>
    public static bool AgentEnabled(IReadOnlyDictionary<string, string> config)
    {
        if (!config.TryGetValue("agent", out var agent))
        {
            return false;
        }

        var first = agent.Split(',', StringSplitOptions.TrimEntries)[0];
        var value = first.StartsWith("enabled=", StringComparison.Ordinal) ? first["enabled=".Length..] : first;
        return value is "1" or "yes" or "on" or "true";
    }

    [GeneratedRegex(@"^(hostpci|usb|virtiofs)\d+$")]
    private static partial Regex PassthroughKey();

    [GeneratedRegex(@"^(serial|parallel)\d+$")]
    private static partial Regex HostPortKey();

    [GeneratedRegex(@"^dev\d+$")]
    private static partial Regex DeviceKey();

    [GeneratedRegex(@"^mp\d+$")]
    private static partial Regex MountKey();

    [GeneratedRegex(@"^net\d+$")]
    private static partial Regex NetKey();
}
