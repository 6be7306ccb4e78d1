using System.Diagnostics;

namespace SelfHostSync.TestKit;

/// <summary>
/// Tests that need a system tool (Chromium, the Prometheus parser, systemd-analyze, dpkg, …) or root report Skipped,
/// naming the Debian package to install, when it is missing; under <c>SELFHOSTSYNC_REQUIRE_TOOLS=1</c> (set by
/// <c>.ci/run</c>, which installs them) a missing tool fails the test instead, so CI always runs them.
/// </summary>
public static class Requires
{
    private static bool Strict => Environment.GetEnvironmentVariable("SELFHOSTSYNC_REQUIRE_TOOLS") == "1";

    /// <summary>An executable on PATH (or at an absolute path), from the given Debian package.</summary>
    public static void Tool(string executable, string debianPackage)
    {
        var found = Path.IsPathRooted(executable)
            ? File.Exists(executable)
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(':')
                .Any(d => d.Length > 0 && File.Exists(Path.Combine(d, executable)));
        if (!found)
        {
            Missing($"needs {executable}: apt-get install {debianPackage}");
        }
    }

    /// <summary>A Python module for <c>/usr/bin/python3</c>, from the given Debian package.</summary>
    public static void PythonModule(string module, string debianPackage)
    {
        Tool("/usr/bin/python3", "python3");
        using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", $"import {module}"]) { RedirectStandardError = true })!;
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            Missing($"needs the Python module {module}: apt-get install {debianPackage}");
        }
    }

    /// <summary>Root (installing a package, switching users). CI runs as root.</summary>
    public static void Root(string why)
    {
        if (Environment.UserName != "root")
        {
            Missing($"needs root: {why}");
        }
    }

    private static void Missing(string what)
    {
        if (Strict)
        {
            Assert.Fail($"{what} (SELFHOSTSYNC_REQUIRE_TOOLS=1)");
        }

        Assert.Skip(what);
    }
}
