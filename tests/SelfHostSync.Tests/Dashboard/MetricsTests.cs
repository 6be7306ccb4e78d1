using System.Diagnostics;

namespace SelfHostSync.Tests.Dashboard;

/// <summary>/metrics against the official Prometheus text-format parser (Debian's python3-prometheus-client).</summary>
public sealed class MetricsTests
{
    private const string Parser = """
        import sys
        from prometheus_client.parser import text_string_to_metric_families
        for family in text_string_to_metric_families(sys.stdin.read()):
            for s in family.samples:
                labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
                print(f"{family.type}|{s.name}|{labels}|{s.value}")
        """;

    private static async Task<string[]> ParseAsync(string text)
    {
        Requires.PythonModule("prometheus_client", "python3-prometheus-client");
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-c", Parser])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        await p.StandardInput.WriteAsync(text);
        p.StandardInput.Close();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, "parser rejected /metrics (is python3-prometheus-client installed? .ci/run installs it): " + stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Metrics_DemoDaemon_ParseWithPrometheusParserAndStableOrder()
    {
        await using var daemon = await DaemonProcess.StartAsync(scenario: s =>
            s with
            {
                Clusters =
                [
                    .. s.Clusters.Select(c =>
                        c.Name != "homelab"
                            ? c
                            : c with
                            {
                                Guests =
                                [
                                    .. c.Guests,
                                    new Lab.Scenario.GuestSpec
                                    {
                                        Vmid = 151,
                                        Name = "quote\"back\\slash",
                                        Node = "pve1",
                                        Tags = "lab",
                                        Description = "x",
                                    },
                                ],
                            }
                    ),
                ],
            }
        );

        var first = await daemon.Http.GetStringAsync("metrics");
        var second = await daemon.Http.GetStringAsync("metrics");
        var samples = await ParseAsync(first);

        Assert.Contains("gauge|selfhostsync_guest_level|cluster=homelab,level=3b,name=inference,vmid=100|1.0", samples);
        Assert.Contains("gauge|selfhostsync_guest_level|cluster=homelab,level=3a,name=quote\"back\\slash,vmid=151|1.0", samples);
        Assert.Contains("gauge|selfhostsync_check_status|check=restore.tested,cluster=homelab,vmid=100|2.0", samples);
        Assert.Contains("gauge|selfhostsync_check_status|check=intent.consistent,cluster=homelab,vmid=121|2.0", samples);
        Assert.Contains(samples, l => l.StartsWith("gauge|selfhostsync_backup_age_seconds|cluster=homelab,vmid=100|", StringComparison.Ordinal));
        Assert.Contains(samples, l =>
            l.StartsWith("gauge|selfhostsync_restore_test_age_seconds|cluster=homelab,vmid=101|", StringComparison.Ordinal)
        );
        Assert.Contains(samples, l => l.StartsWith("gauge|selfhostsync_offsite_age_seconds|cluster=homelab,vmid=101|", StringComparison.Ordinal));
        Assert.Contains(samples, l => l.StartsWith("gauge|selfhostsync_verify_age_seconds|", StringComparison.Ordinal));
        Assert.Contains(samples, l => l.StartsWith("gauge|selfhostsync_last_run_timestamp_seconds||", StringComparison.Ordinal));
        Assert.Contains(samples, l => l.StartsWith("gauge|selfhostsync_run_duration_seconds||", StringComparison.Ordinal));
        Assert.Contains("gauge|selfhostsync_source_up|kind=pbs,name=pbs|1.0", samples);
        Assert.Contains(samples, l => l.StartsWith("counter|selfhostsync_api_requests_total|kind=pve,name=homelab|", StringComparison.Ordinal));
        Assert.Contains(samples, l => l.StartsWith("gauge|process_resident_memory_bytes||", StringComparison.Ordinal));
        Assert.Contains(samples, l => l.StartsWith("gauge|dotnet_gc_heap_size_bytes||", StringComparison.Ordinal));

        // Same state, same bytes (ages move with the clock, so compare everything else).
        static string WithoutAges(string t) =>
            string.Join(
                '\n',
                t.Split('\n')
                    .Where(l =>
                        !l.Contains("_age_seconds{", StringComparison.Ordinal)
                        && !l.StartsWith("selfhostsync_api_requests_total", StringComparison.Ordinal)
                        && !l.StartsWith("process_", StringComparison.Ordinal)
                        && !l.StartsWith("dotnet_", StringComparison.Ordinal)
                    )
            );
        Assert.Equal(WithoutAges(first), WithoutAges(second));
        await daemon.StopAsync();
    }
}
