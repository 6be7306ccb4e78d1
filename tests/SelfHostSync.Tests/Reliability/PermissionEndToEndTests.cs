using System.Diagnostics;

namespace SelfHostSync.Tests.Reliability;

/// <summary>
/// The service user outside the group of the configuration directory (reliability review H3): "permission denied" on
/// that directory, with its mode and the fix, not "does not exist". Runs the executable as <c>nobody</c> (CI is root).
/// </summary>
public sealed class PermissionEndToEndTests
{
    [Fact]
    public async Task Sync_RelativeSecretNameOutsideSystemd_ResolvedInCredentialsNextToTheConfiguration()
    {
        // systemd hands the unit $CREDENTIALS_DIRECTORY; a command run by hand finds the same names in credentials/.
        await using var run = await LabRun.StartAsync(text =>
            text.Replace("\"TokenSecret\": \"demo-homelab-token\"", "\"TokenSecretFile\": \"pve-homelab\"", StringComparison.Ordinal)
        );
        Directory.CreateDirectory(Path.Combine(run.Directory, "credentials"));
        await File.WriteAllTextAsync(Path.Combine(run.Directory, "credentials", "pve-homelab"), "demo-homelab-token\n");

        var (code, _, stderr) = await Executable.RunAsync("sync", "--config", run.ConfigPath);

        Assert.True(code == 0, stderr);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Sync_ConfigurationDirectoryNotEnterable_PermissionDeniedWithModeAndFix()
    {
        Requires.Root("the test switches to the user nobody");
        Requires.Tool("runuser", "util-linux");
        var dir = Directory.CreateTempSubdirectory("shs-perm-");
        try
        {
            var etc = Path.Combine(dir.FullName, "etc");
            Directory.CreateDirectory(etc);
            await File.WriteAllTextAsync(Path.Combine(etc, "appsettings.json"), "{ \"SelfHostSync\": { \"Proxmox\": [] } }");
            File.SetUnixFileMode(
                etc,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            );
            File.SetUnixFileMode(dir.FullName, (UnixFileMode)0b111_101_101);

            var psi = new ProcessStartInfo("runuser")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (
                var a in new[]
                {
                    "-u",
                    "nobody",
                    "--",
                    "dotnet",
                    Path.Combine(AppContext.BaseDirectory, "selfhostsync.dll"),
                    "sync",
                    "--config",
                    Path.Combine(etc, "appsettings.json"),
                }
            )
            {
                psi.ArgumentList.Add(a);
            }

            psi.Environment["DOTNET_CLI_HOME"] = dir.FullName;
            using var process = Process.Start(psi)!;
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            ErrorLog.Record("selfhostsync sync (as nobody)", stderr);

            Assert.True(process.ExitCode == 78, stderr);
            Assert.Contains($"permission denied on directory '{etc}' (mode 0750)", stderr, StringComparison.Ordinal);
            Assert.Contains($"chgrp selfhostsync {etc}", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("does not exist", stderr, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
