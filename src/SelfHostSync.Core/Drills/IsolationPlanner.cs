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
            if (key == "hookscript")
            {
                // A hook script runs on the host at start and stop: it may well act on production.
                delete.Add(key);
            }
            else if (type == "qemu" && (PassthroughKey().IsMatch(key) || (HostPortKey().IsMatch(key) && value.StartsWith("/dev/", StringComparison.Ordinal))))
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

    /// <summary>An LXC mount point whose volume is a host path (<c>mp0: /mnt/data,mp=/data</c>), not a storage volume.</summary>
    private static bool IsBindMount(string value) => value.Split(',')[0].TrimStart().StartsWith('/');

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
