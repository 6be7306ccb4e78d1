using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SelfHostSync.Tests.Packaging;

/// <summary>
/// The Debian package, built by <c>packaging/build-deb.sh</c> and installed on this machine with <c>dpkg -i</c> (issue
/// #16): files, owners and modes; the installed unit verified by systemd; lintian; as the service user, <c>doctor</c>
/// and <c>sync --dry-run</c> against the lab with the secrets handed over as systemd does; <c>status</c> as root leaves
/// nothing root-owned in the state directory; remove keeps state, purge removes it and the user. Needs root, dpkg and
/// lintian (<see cref="Requires"/>: skipped without them, failed under CI's SELFHOSTSYNC_REQUIRE_TOOLS=1).
/// </summary>
[LongRunning]
public sealed class PackageTests
{
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Package_BuiltInstalledUsedRemovedPurged_AsAnOperatorWould()
    {
        Requires.Root("the test installs a package");
        foreach (
            var (tool, package) in new[]
            {
                ("dpkg-deb", "dpkg"),
                ("lintian", "lintian"),
                ("systemd-analyze", "systemd"),
                ("runuser", "util-linux"),
                ("setpriv", "util-linux"),
            }
        )
        {
            Requires.Tool(tool, package);
        }

        var repo = Repository.Root;
        await Run("dpkg", "--purge", "selfhostsync");
        var (built, deb, log) = await Run(Path.Combine(repo, "packaging", "build-deb.sh"), "0.0.1~test");
        Assert.True(built == 0, log);
        deb = Path.Combine(repo, deb.Trim().Split('\n')[^1]);
        var (lintianCode, lintian, _) = await Run("lintian", "--tag-display-limit", "0", deb);
        Assert.True(lintianCode == 0 && !Regex.IsMatch(lintian, "^[EW]: ", RegexOptions.Multiline), lintian);

        try
        {
            var (installed, output, errors) = await Run("dpkg", "-i", deb);
            Assert.True(installed == 0, output + errors);
            Assert.Contains("enabled, not started", output, StringComparison.Ordinal);
            Assert.Equal("root:selfhostsync 750", await Stat("/etc/selfhostsync"));
            Assert.Equal("root:root 700", await Stat("/etc/selfhostsync/credentials"));
            Assert.Equal("selfhostsync:selfhostsync 700", await Stat("/var/lib/selfhostsync"));
            Assert.True(File.Exists("/usr/share/man/man1/selfhostsync.1.gz"));
            Assert.True(File.Exists("/usr/share/selfhostsync/appsettings.schema.json"));
            Assert.Contains(
                "\"$schema\": \"file:///usr/share/selfhostsync/appsettings.schema.json\"",
                await File.ReadAllTextAsync("/etc/selfhostsync/appsettings.example.json"),
                StringComparison.Ordinal
            );
            Assert.Equal("/usr/lib/selfhostsync/selfhostsync", new FileInfo("/usr/bin/selfhostsync").ResolveLinkTarget(true)?.FullName);
            var (verified, _, verifyErrors) = await Run("systemd-analyze", "verify", "/usr/lib/systemd/system/selfhostsync.service");
            Assert.True(verified == 0 && verifyErrors.Trim().Length == 0, verifyErrors);

            // The configuration as the README has an operator make it: init with the lab's homelab cluster and PBS.
            await using var run = await LabRun.StartAsync();
            var secrets = Directory.CreateTempSubdirectory("shs-secrets-").FullName;
            await File.WriteAllTextAsync(Path.Combine(secrets, "pve"), "demo-homelab-token\n");
            await File.WriteAllTextAsync(Path.Combine(secrets, "pbs"), "demo-pbs-token\n");
            var (initialised, initOut, initErr) = await Run(
                "selfhostsync",
                "init",
                "--yes",
                "--pve-url",
                run.Lab.Cluster("homelab").Server.Url.ToString(),
                "--pve-token-id",
                "selfhostsync@pve!sync",
                "--pve-secret-file",
                Path.Combine(secrets, "pve"),
                "--pbs-url",
                run.Lab.BackupServer("pbs").Server.Url.ToString(),
                "--pbs-token-id",
                "selfhostsync@pbs!sync",
                "--pbs-secret-file",
                Path.Combine(secrets, "pbs")
            );
            Assert.True(initialised == 0, initOut + initErr);
            Assert.Equal("root:selfhostsync 640", await Stat("/etc/selfhostsync/appsettings.json"));
            Assert.Contains(
                "\"$schema\": \"file:///usr/share/selfhostsync/appsettings.schema.json\"",
                await File.ReadAllTextAsync("/etc/selfhostsync/appsettings.json"),
                StringComparison.Ordinal
            );
            Assert.Equal("root:root 600", await Stat("/etc/selfhostsync/credentials/pve-homelab"));

            // What systemd does for the unit (LoadCredential of the directory): the secrets, readable by the service
            // user only, in $CREDENTIALS_DIRECTORY as selfhostsync_<name>.
            var credentials = Directory.CreateTempSubdirectory("shs-credentials-").FullName;
            foreach (var file in Directory.GetFiles("/etc/selfhostsync/credentials"))
            {
                File.Copy(file, Path.Combine(credentials, "selfhostsync_" + Path.GetFileName(file)));
            }

            await Run("chown", "-R", "selfhostsync:selfhostsync", credentials);
            foreach (var command in new[] { "doctor", "sync --dry-run" })
            {
                var (code, stdout, stderr) = await Run(
                    "runuser",
                    ["-u", "selfhostsync", "--", "env", $"CREDENTIALS_DIRECTORY={credentials}", "selfhostsync", .. command.Split(' ')]
                );
                Assert.True(code == 0, $"{command}: {stdout}{stderr}");
            }

            // The daemon as the unit runs it (User=selfhostsync, $CREDENTIALS_DIRECTORY): it starts and answers /healthz.
            var port = DaemonProcess.FreePort();
            var configured = await File.ReadAllTextAsync("/etc/selfhostsync/appsettings.json");
            await File.WriteAllTextAsync(
                "/etc/selfhostsync/appsettings.json",
                configured.Replace(
                    "\"SelfHostSync\": {",
                    $"\"SelfHostSync\": {{ \"ControlApi\": {{ \"Urls\": \"http://127.0.0.1:{port}\" }},",
                    StringComparison.Ordinal
                )
            );
            // setpriv execs (runuser would stand between the signal and the daemon).
            var daemon = Process.Start(
                new ProcessStartInfo(
                    "setpriv",
                    [
                        "--reuid=selfhostsync",
                        "--regid=selfhostsync",
                        "--init-groups",
                        "env",
                        $"CREDENTIALS_DIRECTORY={credentials}",
                        "HOME=/var/lib/selfhostsync",
                        "selfhostsync",
                        "run",
                    ]
                )
                {
                    RedirectStandardError = true,
                    RedirectStandardOutput = true,
                }
            )!;
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
                var healthy = false;
                for (var i = 0; i < 100 && !healthy && !daemon.HasExited; i++)
                {
                    await Task.Delay(300);
                    healthy = await http.GetAsync(new Uri("healthz", UriKind.Relative))
                        .ContinueWith(t => t.IsCompletedSuccessfully && t.Result.IsSuccessStatusCode, TaskScheduler.Default);
                }

                Assert.True(healthy, daemon.HasExited ? await daemon.StandardError.ReadToEndAsync() : "no healthy /healthz within 30 s");
            }
            finally
            {
                Process.Start("kill", ["-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
                await daemon.WaitForExitAsync();
                ErrorLog.Record("selfhostsync run (installed)", await daemon.StandardError.ReadToEndAsync());
            }

            Assert.Equal(0, daemon.ExitCode);

            // Root reads the secrets itself (credentials/ next to the configuration) and hands what it creates back.
            var (status, statusOut, statusErr) = await Run("selfhostsync", "status");
            Assert.True(status == 0, statusOut + statusErr);
            var (_, rootOwned, _) = await Run("find", "/var/lib/selfhostsync", "-user", "root");
            Assert.Equal(string.Empty, rootOwned.Trim());

            Assert.Equal(0, (await Run("dpkg", "-r", "selfhostsync")).Code);
            Assert.True(
                Directory.Exists("/var/lib/selfhostsync") && File.Exists("/etc/selfhostsync/appsettings.json"),
                "remove must keep state and configuration"
            );
        }
        finally
        {
            Assert.Equal(0, (await Run("dpkg", "--purge", "selfhostsync")).Code);
        }

        Assert.False(Directory.Exists("/var/lib/selfhostsync"));
        Assert.False(Directory.Exists("/etc/selfhostsync"));
        Assert.NotEqual(0, (await Run("getent", "passwd", "selfhostsync")).Code);
    }

    private static async Task<string> Stat(string path) => (await Run("stat", "-c", "%U:%G %a", path)).Stdout.Trim();

    private static async Task<(int Code, string Stdout, string Stderr)> Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = (process.ExitCode, await stdout, await stderr);
        if (file == "selfhostsync" || args.Contains("selfhostsync"))
        {
            ErrorLog.Record(string.Join(' ', [file, .. args]), output.Item2 + "\n" + output.Item3);
        }

        return output;
    }
}
