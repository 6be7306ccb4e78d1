using System.Text.Json;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Tests;

/// <summary>`selfhostsync doctor` against the lab: all good, missing and excess privileges, 2FA enrolment.</summary>
public sealed class DoctorEndToEndTests
{
    // The new token replaces the sync token, and the demo's ACL entries for the sync token go with it: the token has
    // only the privileges given here (its user keeps the demo's, so the privilege-separated intersection is these).
    private static LabScenario WithHomelabToken(LabScenario s, TokenSpec token) =>
        s with
        {
            Clusters =
            [
                .. s.Clusters.Select(c =>
                    c.Name != "homelab" ? c : c with { Tokens = [token, .. c.Tokens.Skip(1)], Acl = [.. c.Acl.Where(a => a.Token != c.Tokens[0].Id)] }
                ),
            ],
        };

    [Fact]
    public async Task Doctor_DemoLab_AllGoodWithFindingsAsWarnings()
    {
        await using var run = await LabRun.StartAsync();

        var (code, stdout, stderr) = await Executable.RunAsync("doctor", "--config", run.ConfigPath);

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("ok      pve:homelab: reachable as token selfhostsync@pve!sync, 3 node(s), TLS pinned", stdout, StringComparison.Ordinal);
        Assert.Contains("ok      pbs:pbs: reachable", stdout, StringComparison.Ordinal);
        Assert.Contains("ok      dsm:nas: reachable; 3 PVE storage(s) linked, 1 offsite replica(s)", stdout, StringComparison.Ordinal);
        Assert.Contains("doctor: all good", stdout, StringComparison.Ordinal);
        Assert.Contains(
            "ok      drills:homelab: token selfhostsync@pve!drill may restore, start, probe and destroy in 9900-9999",
            stdout,
            StringComparison.Ordinal
        );
        Assert.DoesNotContain("demo-nas-password", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("demo-homelab-drill-token", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_StateDirectoryUnusable_ProblemAndEveryEndpointStillChecked()
    {
        // A regular file where the state directory's parent should be: the database cannot be made.
        var file = Path.Combine(Path.GetTempPath(), "shs-not-a-dir-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(file, "not a directory");
        await using var run = await LabRun.StartAsync(text =>
            System.Text.RegularExpressions.Regex.Replace(
                text,
                "\"StateDirectory\": \"[^\"]*\"",
                "\"StateDirectory\": \"" + JsonEncodedText.Encode(file + "/state") + "\""
            )
        );
        try
        {
            var (code, stdout, stderr) = await Executable.RunAsync("doctor", "--config", run.ConfigPath);

            Assert.True(code == 1, stdout + stderr);
            Assert.Contains("PROBLEM state: StateDirectory:", stdout, StringComparison.Ordinal);
            Assert.Contains("ok      pve:homelab: reachable", stdout, StringComparison.Ordinal);
            Assert.Contains("ok      dsm:nas: reachable", stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Doctor_DrillTokenCannotCreateGuests_ProblemAndExit1()
    {
        await using var run = await LabRun.StartAsync(editScenario: s =>
            s with
            {
                Clusters =
                [
                    .. s.Clusters.Select(c =>
                        c.Name != "homelab"
                            ? c
                            : c with
                            {
                                Tokens =
                                [
                                    c.Tokens[0],
                                    new TokenSpec("selfhostsync@pve!drill", "demo-homelab-drill-token", ["VM.Audit", "Sys.Audit", "Datastore.Audit"]),
                                ],
                                Acl = [.. c.Acl.Where(a => a.Token != "selfhostsync@pve!drill")],
                            }
                    ),
                ],
            }
        );

        var (code, stdout, _) = await Executable.RunAsync("doctor", "--config", run.ConfigPath);

        Assert.Equal(1, code);
        Assert.Contains("PROBLEM drills:homelab: token selfhostsync@pve!drill lacks VM.Allocate, VM.PowerMgmt", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_TokenWithoutTagPrivilege_ProblemAndExit1()
    {
        await using var run = await LabRun.StartAsync(editScenario: s =>
            WithHomelabToken(s, new TokenSpec("selfhostsync@pve!sync", "demo-homelab-token", ["VM.Audit", "Sys.Audit"]))
        );

        var (code, stdout, _) = await Executable.RunAsync("doctor", "--config", run.ConfigPath);

        Assert.Equal(1, code);
        Assert.Contains("PROBLEM pve:homelab: missing Datastore.Audit on /", stdout, StringComparison.Ordinal);
        Assert.Contains("PROBLEM pve:homelab: missing VM.Config.Options on /vms", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_AdministratorToken_WarnsOverPrivileged()
    {
        await using var run = await LabRun.StartAsync(editScenario: s =>
            WithHomelabToken(s, new TokenSpec("selfhostsync@pve!sync", "demo-homelab-token", ["Administrator"]))
        );

        var (code, stdout, _) = await Executable.RunAsync("doctor", "--config", run.ConfigPath);

        Assert.Equal(0, code);
        Assert.Contains("warning pve:homelab: token selfhostsync@pve!sync is over-privileged (Permissions.Modify", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_RootPamToken_WarnsToUseADedicatedUser()
    {
        await using var run = await LabRun.StartAsync(
            editConfig: c =>
                c.Replace(
                    "\"TokenId\": \"selfhostsync@pve!sync\", \"TokenSecret\": \"demo-homelab-token\"",
                    "\"TokenId\": \"root@pam!sync\", \"TokenSecret\": \"demo-homelab-token\"",
                    StringComparison.Ordinal
                ),
            editScenario: s =>
                WithHomelabToken(
                    s,
                    new TokenSpec(
                        "root@pam!sync",
                        "demo-homelab-token",
                        ["VM.Audit", "VM.Config.Options", "Sys.Audit", "Datastore.Audit", "Pool.Audit", "VM.Backup", "Datastore.AllocateSpace"]
                    )
                )
        );

        var (code, stdout, stderr) = await Executable.RunAsync("doctor", "--config", run.ConfigPath);

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("warning pve:homelab: token root@pam!sync belongs to root@pam: create a dedicated user", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("demo-homelab-token", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_SynologyOtp_PrintsDeviceIdThatThenLogsInWithoutCode()
    {
        await using var run = await LabRun.StartAsync(editScenario: s =>
            s with
            {
                Synology = [.. s.Synology.Select(n => n with { Otp = "123456" })],
            }
        );
        var (code, stdout, _) = await Executable.RunAsync("doctor", "--config", run.ConfigPath);
        Assert.Equal(1, code);
        Assert.Contains("--synology-otp", stdout, StringComparison.Ordinal);

        (code, stdout, var stderr) = await Executable.RunAsync("doctor", "--synology-otp", "123456", "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);
        var device = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
        Assert.Equal(0, run.Lab.Nas("nas").ActiveSessions);

        var config = await File.ReadAllTextAsync(run.ConfigPath);
        await File.WriteAllTextAsync(
            run.ConfigPath,
            config.Replace(
                "\"Username\": \"selfhostsync\",",
                $"\"Username\": \"selfhostsync\", \"DeviceId\": \"{device}\",",
                StringComparison.Ordinal
            )
        );
        (code, stdout, _) = await Executable.RunAsync("doctor", "--config", run.ConfigPath);
        Assert.True(code == 0, stdout);
        Assert.DoesNotContain(device, stdout, StringComparison.Ordinal);
    }
}
