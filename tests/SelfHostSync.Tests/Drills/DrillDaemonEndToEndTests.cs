using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SelfHostSync.Lab.Pve;

namespace SelfHostSync.Tests.Drills;

/// <summary>Drills inside the daemon: asked for through the control API, shown on the dashboard and in /metrics, swept after a crash.</summary>
public sealed class DrillDaemonEndToEndTests
{
    [Fact]
    public async Task Run_DrillRequestedThroughApi_ShownOnDashboardAndMetricsAndTagsUpdated()
    {
        await using var daemon = await DaemonProcess.StartAsync(scenario: DemoLab.WithoutPassthrough);
        var homelab = daemon.Run.Lab.Cluster("homelab");

        using (var response = await PostDrillAsync(daemon, "homelab/100"))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await WaitAsync(
            () => homelab.TagsOf(100)?.Contains("warn-restore-untested", StringComparison.Ordinal) == false,
            "the drill did not clear warn-restore-untested"
        );

        using var drills = await daemon.Http.GetFromJsonAsync<JsonDocument>("api/drills?guest=homelab/100");
        var drill = drills!.RootElement.GetProperty("drills").EnumerateArray().First();
        Assert.Equal("passed", drill.GetProperty("state").GetString());

        var page = await daemon.Http.GetStringAsync("/");
        Assert.Contains("Restore drills", page, StringComparison.Ordinal);
        Assert.Contains("RTO trend", page, StringComparison.Ordinal);
        Assert.Contains("pbs:backup/vm/100/", page, StringComparison.Ordinal);

        var metrics = await daemon.Http.GetStringAsync("metrics");
        Assert.Contains("selfhostsync_restore_drill_result{cluster=\"homelab\",vmid=\"100\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains(
            "selfhostsync_restore_drill_duration_seconds{cluster=\"homelab\",vmid=\"100\",phase=\"total\"}",
            metrics,
            StringComparison.Ordinal
        );

        var (code, stderr) = await daemon.StopAsync();
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("demo-homelab-drill-token", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StoppedMidDrill_CleansUpThenExitsCleanly()
    {
        // systemctl stop sends SIGTERM: the drill is cancelled, its restore stopped and its scratch guest removed
        // before the process exits 0.
        await using var daemon = await DaemonProcess.StartAsync(scenario: DemoLab.WithoutPassthrough);
        var homelab = await StartHangingDrillAsync(daemon);

        daemon.Process.Terminate();
        await daemon.Process.WaitForExitAsync();
        Assert.Equal(0, daemon.Process.ExitCode);
        Assert.False(homelab.Exists(9900), "the scratch guest outlived a graceful stop");
        using var db = new SqliteConnection(
            $"Data Source={Path.Combine(daemon.Run.Directory, "state", "selfhostsync.db")};Mode=ReadOnly;Pooling=False"
        );
        db.Open();
        using var check = db.CreateCommand();
        check.CommandText = "SELECT cleaned_up FROM drills";
        Assert.Equal(1L, check.ExecuteScalar());
    }

    [Fact]
    public async Task Run_KilledMidDrillAndRestarted_ScratchGuestRemovedAndDrillClosed()
    {
        await using var daemon = await DaemonProcess.StartAsync(scenario: DemoLab.WithoutPassthrough);
        var homelab = await StartHangingDrillAsync(daemon);
        await Task.Delay(500);
        daemon.Process.Kill();
        await daemon.Process.WaitForExitAsync();
        Assert.True(homelab.Exists(9900), "the scratch guest outlives the killed daemon (its restore task still runs)");

        using var db = new SqliteConnection(
            $"Data Source={Path.Combine(daemon.Run.Directory, "state", "selfhostsync.db")};Mode=ReadOnly;Pooling=False"
        );
        db.Open();
        using var check = db.CreateCommand();
        check.CommandText = "SELECT state || ' ' || cleaned_up FROM drills";
        await using var again = Executable.Start("run", "--config", daemon.Run.ConfigPath);
        try
        {
            await WaitAsync(() => !homelab.Exists(9900), "the restarted daemon did not remove the scratch guest");
            await WaitAsync(() => (string?)check.ExecuteScalar() == "Aborted 1", "the interrupted drill was not closed as aborted and cleaned up");
        }
        finally
        {
            again.Kill();
            await again.WaitForExitAsync();
        }

        check.CommandText = "SELECT COUNT(*) FROM restore_tests WHERE kind = 'Drill'";
        Assert.Equal(0L, check.ExecuteScalar());
    }

    /// <summary>A drill of homelab/100 whose restore never ends, running once its scratch guest 9900 exists.</summary>
    private static async Task<Lab.Pve.PveSimulator> StartHangingDrillAsync(DaemonProcess daemon)
    {
        var homelab = daemon.Run.Lab.Cluster("homelab");
        homelab.SetDrillFault(100, DrillFault.RestoreHangs);
        (await PostDrillAsync(daemon, "homelab/100")).Dispose();
        await WaitAsync(() => homelab.Exists(9900), "the drill did not start restoring");
        return homelab;
    }

    private static async Task<HttpResponseMessage> PostDrillAsync(DaemonProcess daemon, string guest)
    {
        using var status = await daemon.Http.GetFromJsonAsync<JsonDocument>("api/status");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/drills")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { guest }), Encoding.UTF8, "application/json"),
        };
        return await daemon.Http.SendAsync(request);
    }

    private static async Task WaitAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(200);
        }
    }
}
