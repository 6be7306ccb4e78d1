using System.Diagnostics;

namespace SelfHostSync.Tests;

/// <summary>The shipped unit file, checked by systemd itself (`.ci/run` installs systemd-analyze).</summary>
public sealed class SystemdUnitTests
{
    [Fact]
    public async Task StopBudgets_UnitCodeAndDrills_EachWaitsForTheOneInside()
    {
        // systemctl stop during a drill: the cleanup must finish before the host, the process and systemd give up.
        var unit = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "systemd", "selfhostsync.service"));
        var line = unit.Split('\n').Single(l => l.StartsWith("TimeoutStopSec=", StringComparison.Ordinal));
        var unitStop = TimeSpan.FromSeconds(
            int.Parse(line["TimeoutStopSec=".Length..].TrimEnd('s', '\r'), System.Globalization.CultureInfo.InvariantCulture)
        );
        var drills = new SelfHostSync.Core.Drills.DrillSettings
        {
            Cluster = "c",
            Node = "n",
            TargetStorage = "s",
            Range = new SelfHostSync.Core.Drills.VmidRange(9900, 9999),
        };

        Assert.True(drills.CleanupTimeout <= SelfHostSync.Daemon.StopBudget.Cleanup);
        Assert.True(SelfHostSync.Daemon.StopBudget.Cleanup < SelfHostSync.Daemon.StopBudget.HostShutdown);
        Assert.True(SelfHostSync.Daemon.StopBudget.HostShutdown < SelfHostSync.Daemon.StopBudget.ProcessTermination);
        Assert.True(
            SelfHostSync.Daemon.StopBudget.ProcessTermination < unitStop,
            $"TimeoutStopSec={unitStop.TotalSeconds}s does not outlast the process's {SelfHostSync.Daemon.StopBudget.ProcessTermination.TotalSeconds}s"
        );
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Verify_ShippedUnit_AcceptedBySystemdAnalyze()
    {
        Requires.Tool("systemd-analyze", "systemd");
        var unit = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "systemd", "selfhostsync.service"));
        Assert.Contains("ExecStart=/usr/bin/selfhostsync run", unit, StringComparison.Ordinal);

        // verify also checks that ExecStart= names an executable: point it at a stand-in for the installed binary.
        var dir = Directory.CreateTempSubdirectory("shs-unit-");
        try
        {
            var binary = Path.Combine(dir.FullName, "selfhostsync");
            await File.WriteAllTextAsync(binary, "#!/bin/sh\nexit 0\n");
            File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var path = Path.Combine(dir.FullName, "selfhostsync.service");
            await File.WriteAllTextAsync(path, unit.Replace("/usr/bin/selfhostsync", binary, StringComparison.Ordinal));

            var psi = new ProcessStartInfo("systemd-analyze")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add("verify");

            // The man page is installed by the package (PackageTests verify it there).
            psi.ArgumentList.Add("--man=no");
            psi.ArgumentList.Add(path);
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();

            Assert.True(process.ExitCode == 0, await stderr + await stdout);
            Assert.Equal(string.Empty, (await stderr).Trim());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
