using System.Runtime.InteropServices;

namespace SelfHostSync.State;

/// <summary>
/// Commands run by hand as root (they read the root-only secrets) must not leave root-owned files in a state
/// directory the daemon owns: SQLite's <c>-wal</c>/<c>-shm</c> and the lock files would then refuse the daemon. Files
/// root creates there are handed to the directory's owner. Linux x86-64 and arm64 (the <c>stat</c> layouts we read).
/// </summary>
internal static partial class StateOwner
{
    /// <summary>Gives <paramref name="files"/> (those that exist) to the owner of <paramref name="directory"/> when we run as root and it is another user's.</summary>
    public static void HandOver(string directory, params string[] files)
    {
        if (!OperatingSystem.IsLinux() || geteuid() != 0 || OwnerOf(directory) is not { } owner || owner.Uid == 0)
        {
            return;
        }

        foreach (var file in files.Where(File.Exists))
        {
            _ = lchown(file, owner.Uid, owner.Gid);
        }
    }

    /// <summary>Gives <paramref name="file"/> to the group <paramref name="group"/> (as in /etc/group) when it exists and we run as root.</summary>
    public static void GiveGroup(string file, string group)
    {
        if (!OperatingSystem.IsLinux() || geteuid() != 0 || !File.Exists("/etc/group"))
        {
            return;
        }

        var line = File.ReadLines("/etc/group").Select(l => l.Split(':')).FirstOrDefault(f => f.Length > 2 && f[0] == group);
        if (
            line is not null
            && uint.TryParse(line[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var gid)
        )
        {
            _ = lchown(file, uint.MaxValue, gid);
        }
    }

    private static (uint Uid, uint Gid)? OwnerOf(string path)
    {
        var (uid, gid) = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => (28, 32),
            Architecture.Arm64 => (24, 28),
            _ => (-1, -1),
        };
        if (uid < 0)
        {
            return null;
        }

        var buffer = new byte[256];
        return stat(path, buffer) == 0 ? (BitConverter.ToUInt32(buffer, uid), BitConverter.ToUInt32(buffer, gid)) : null;
    }

    // DllImport rather than LibraryImport: blittable signatures, and LibraryImport would need unsafe code.
    [DllImport("libc.so.6", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint geteuid();

    [DllImport("libc.so.6", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int stat(string path, byte[] buffer);

    [DllImport("libc.so.6", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int lchown(string path, uint owner, uint group);
}
