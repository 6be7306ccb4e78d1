using System.Runtime.InteropServices;

namespace SelfHostSync.Daemon;

/// <summary>
/// glibc keeps memory that native code (SQLite, OpenSSL, the runtime itself) freed during a pass in its arenas;
/// <c>malloc_trim</c> hands the free pages back to the kernel. A no-op where there is no glibc (musl, other systems).
/// </summary>
internal static class NativeHeap
{
    private static bool _unavailable;

    public static void Trim()
    {
        if (_unavailable || !OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
        }
    }

    // DllImport rather than LibraryImport: the signature is blittable and LibraryImport would need unsafe code.
#pragma warning disable SYSLIB1054
    [DllImport("libc.so.6", EntryPoint = "malloc_trim", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
#pragma warning restore SYSLIB1054
}
