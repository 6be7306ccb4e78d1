using SelfHostSync.Http;

namespace SelfHostSync.Tests;

/// <summary><c>init</c> against the lab: fingerprints shown and pinned, secrets as credentials, doctor run, roles printed.</summary>
public sealed class InitEndToEndTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Init_LabServers_WritesAWorkingConfigurationAndRefusesToOverwrite()
    {
        await using var run = await LabRun.StartAsync();
        var etc = Path.Combine(run.Directory, "etc");
        Directory.CreateDirectory(etc);
        var pveSecret = Path.Combine(run.Directory, "pve.secret");
        var pbsSecret = Path.Combine(run.Directory, "pbs.secret");
        await File.WriteAllTextAsync(pveSecret, "demo-homelab-token\n");
        await File.WriteAllTextAsync(pbsSecret, "demo-pbs-token");
        var homelab = run.Lab.Cluster("homelab").Server;
        var pbs = run.Lab.BackupServer("pbs").Server;
        var config = Path.Combine(etc, "appsettings.json");
        string[] args =
        [
            "init",
            "--config",
            config,
            "--yes",
            "--pve-url",
            homelab.Url.ToString(),
            "--pve-token-id",
            "selfhostsync@pve!sync",
            "--pve-secret-file",
            pveSecret,
            "--pbs-url",
            pbs.Url.ToString(),
            "--pbs-token-id",
            "selfhostsync@pbs!sync",
            "--pbs-secret-file",
            pbsSecret,
        ];

        var (code, stdout, stderr) = await Executable.RunAsync(args);

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains(
            $"presents certificate SHA-256 {Fingerprints.Display(Fingerprints.Normalize(homelab.Fingerprint)!)}",
            stdout,
            StringComparison.Ordinal
        );
        Assert.Contains("doctor: all good", stdout, StringComparison.Ordinal);
        Assert.Contains(
            "pveum acl modify / --users selfhostsync@pve --tokens 'selfhostsync@pve!sync' --roles SelfHostSync",
            stdout,
            StringComparison.Ordinal
        );
        Assert.Contains("proxmox-backup-manager acl update /remote RemoteAudit", stdout, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(etc, "credentials", "pve-homelab")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(config));
        var written = await File.ReadAllTextAsync(config);
        Assert.DoesNotContain("demo-homelab-token", written, StringComparison.Ordinal);
        Assert.DoesNotContain("demo-homelab-token", stdout + stderr, StringComparison.Ordinal);

        // The state directory of the lab run, so the pass does not need /var/lib.
        await File.WriteAllTextAsync(
            config,
            written.Replace(
                "\"SelfHostSync\": {",
                $"\"SelfHostSync\": {{ \"StateDirectory\": \"{Path.Combine(run.Directory, "state")}\",",
                StringComparison.Ordinal
            )
        );
        var (dry, _, dryErr) = await Executable.RunAsync("sync", "--dry-run", "--config", config);
        Assert.True(dry == 0, dryErr);

        var (again, _, refused) = await Executable.RunAsync(args);
        Assert.Equal(1, again);
        Assert.Contains("exists; nothing written (--force replaces it)", refused, StringComparison.Ordinal);
    }
}
