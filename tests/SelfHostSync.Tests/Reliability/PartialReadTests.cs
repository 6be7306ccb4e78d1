using System.Text.Json;
using SelfHostSync.Lab.Scenario;

namespace SelfHostSync.Tests.Reliability;

/// <summary>
/// What a real cluster hides or cannot show (DESIGN §3, §8.3): backups PVE filters for a token without VM.Backup, a
/// node that is offline with its local backup storage, one storage that is offline (the node list comes with the
/// resource list since decision 012: it cannot fail alone). The
/// affected guests' backup checks go unknown and their tags stay; the run is degraded and says why.
/// </summary>
public sealed class PartialReadTests
{
    // Guest 130 (jellyfin) keeps its backups only as vzdump files; as production, a wrong "no backup" would flip its tags.
    private static LabScenario VzdumpOnlyProduction(LabScenario s, bool onLocalStorageOfPve3 = false) =>
        s with
        {
            Clusters =
            [
                .. s.Clusters.Select(c =>
                    c.Name != "homelab"
                        ? c
                        : c with
                        {
                            Guests = [.. c.Guests.Select(g => g.Vmid == 130 ? g with { Tags = "prod" } : g)],
                            Storages = onLocalStorageOfPve3
                                ?
                                [
                                    .. c.Storages,
                                    new StorageSpec
                                    {
                                        Storage = "local",
                                        Type = "dir",
                                        Content = "backup,iso,vztmpl",
                                    },
                                ]
                                : c.Storages,
                            Dumps = onLocalStorageOfPve3 ? [.. c.Dumps.Select(d => d with { Storage = "local", Node = "pve3" })] : c.Dumps,
                        }
                ),
            ],
        };

    private static Dictionary<int, string?> Tags(LabRun run) =>
        run.Lab.Cluster("homelab").Spec.Guests.ToDictionary(g => g.Vmid, g => run.Lab.Cluster("homelab").TagsOf(g.Vmid));

    private static Dictionary<string, string?> Checks(string json, int vmid)
    {
        using var report = JsonDocument.Parse(json);
        var guest = report
            .RootElement.GetProperty("guests")
            .EnumerateArray()
            .Single(g => g.GetProperty("cluster").GetString() == "homelab" && g.GetProperty("vmid").GetInt32() == vmid);
        return guest
            .GetProperty("checks")
            .EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("status").GetString());
    }

    private static string SourceErrors(string json)
    {
        using var report = JsonDocument.Parse(json);
        return string.Join("\n", report.RootElement.GetProperty("sources").EnumerateArray().Select(e => e.GetProperty("error").GetString()));
    }

    private static async Task<(LabRun Run, Dictionary<int, string?> Before)> ConvergedAsync(bool onLocalStorageOfPve3 = false)
    {
        var run = await LabRun.StartAsync(editScenario: s => VzdumpOnlyProduction(s, onLocalStorageOfPve3));
        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);
        Assert.True(code == 0, stderr);
        Assert.Equal("pass", Checks(stdout, 130)["backup.present"]);
        Assert.Contains("level-3b", Tags(run)[130], StringComparison.Ordinal);
        return (run, Tags(run));
    }

    [Fact]
    public async Task Sync_ReadOnlyTokenPveFiltersBackups_TagsStayDegradedNamesVmBackup()
    {
        var (run, before) = await ConvergedAsync();
        await using var _ = run;

        // The README's role without the two privileges that let PVE show backups: Datastore.Audit only.
        run.Lab.Cluster("homelab").Spec.Roles["SelfHostSync"].RemoveAll(p => p is "VM.Backup" or "Datastore.AllocateSpace");
        var (code, stdout, stderr) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);

        Assert.Equal(3, code);
        Assert.Equal(before, Tags(run));
        Assert.Equal("unknown", Checks(stdout, 130)["backup.present"]);
        Assert.Equal("pass", Checks(stdout, 101)["backup.present"]);
        Assert.Contains("VM.Backup", SourceErrors(stdout), StringComparison.Ordinal);

        var (doctorCode, doctorOut, _) = await Executable.RunAsync("doctor", "--config", run.ConfigPath);
        Assert.Equal(1, doctorCode);
        Assert.Contains("PROBLEM pve:homelab: PVE hides the backups on nas-dumps", doctorOut, StringComparison.Ordinal);
        Assert.Contains(
            "pveum role add SelfHostSyncBackups --privs \"VM.Backup,Datastore.AllocateSpace\" && pveum acl modify / --users selfhostsync@pve --tokens 'selfhostsync@pve!sync' --roles SelfHostSyncBackups",
            doctorOut,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task Sync_NodeOfflineHoldingLocalBackupStorage_NoTagFlips()
    {
        var (run, before) = await ConvergedAsync(onLocalStorageOfPve3: true);
        await using var _ = run;

        run.Lab.Cluster("homelab").Spec.OfflineNodes.Add("pve3");
        var (code, stdout, _) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);

        Assert.Equal(3, code);
        Assert.Equal(before, Tags(run));
        Assert.Contains("node 'pve3' is offline: the backups on its storage 'local' are unknown", SourceErrors(stdout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_OneStorageOffline_OnlyItsGuestsGoUnknown()
    {
        var (run, before) = await ConvergedAsync();
        await using var _ = run;

        run.Lab.Cluster("homelab").Spec.Storages.Single(s => s.Storage == "nas-dumps").Offline = true;
        var (code, stdout, _) = await Executable.RunAsync("sync", "--json", "--config", run.ConfigPath);

        Assert.Equal(3, code);
        Assert.Equal(before, Tags(run));
        Assert.Equal("unknown", Checks(stdout, 130)["backup.present"]);
        Assert.Equal("pass", Checks(stdout, 100)["backup.fresh"]);
        Assert.Contains("storage 'nas-dumps' is not online", SourceErrors(stdout), StringComparison.Ordinal);
    }
}
