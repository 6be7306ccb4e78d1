using System.CommandLine;
using System.Globalization;
using SelfHostSync.Cli;
using SelfHostSync.Lab;
using SelfHostSync.Lab.Hosting;
using SelfHostSync.Lab.Scenario;
using SelfHostSync.Passes;

namespace SelfHostSync.Cli;

/// <summary>
/// <c>selfhostsync lab --size homelab|business|large</c>: a generated estate on loopback (for benchmarks and trying
/// SelfHostSync at scale), with a configuration pointing at it; runs until Ctrl-C.
/// </summary>
internal static class LabCommand
{
    public static Command Build(TimeProvider time)
    {
        var size = new Option<string>("--size")
        {
            Description = "homelab (30 guests), business (300) or large (3 × 1,000, 300k snapshots)",
            DefaultValueFactory = _ => "homelab",
        };
        size.AcceptOnlyFromAmong("homelab", "business", "large");
        var latency = new Option<double>("--latency-ms")
        {
            Description = "Added to every request, standing in for the network",
            DefaultValueFactory = _ => 2,
        };
        var state = new Option<string?>("--state")
        {
            Description = "Directory for the generated appsettings.json and state (default: a temporary one)",
        };
        var command = new Command(
            "lab",
            "Start a generated estate (PVE clusters, PBS servers, a Synology) on loopback and write a configuration for it"
        )
        {
            size,
            latency,
            state,
        };
        command.SetAction(
            async (parse, ct) =>
            {
                var estate = EstateSize.Parse(parse.GetValue(size)!)!;
                var dir = parse.GetValue(state) ?? Path.Combine(Path.GetTempPath(), $"selfhostsync-lab-{estate.Name}-{Environment.ProcessId}");
                Directory.CreateDirectory(dir);
                await using var lab = await LabHost.StartAsync(EstateGenerator.Create(estate), time.GetUtcNow(), ct);
                foreach (
                    var server in lab
                        .Clusters.Select(c => c.Server)
                        .Concat(lab.BackupServers.Select(b => b.Server))
                        .Concat(lab.Synology.Select(n => n.Server))
                )
                {
                    server.Faults.Latency = TimeSpan.FromMilliseconds(parse.GetValue(latency));
                }

                var config = Path.Combine(dir, "appsettings.json");
                await File.WriteAllTextAsync(config, lab.ConfigFor(Path.Combine(dir, "state")), ct);
                Console.Out.WriteLine(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"estate {estate.Name}: {estate.Clusters} cluster(s), {estate.Guests} guests, {estate.Snapshots} snapshots"
                    )
                );
                Console.Out.WriteLine($"config {config}");
                Console.Out.WriteLine("ready");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException) { }

                return ExitCodes.Ok;
            }
        );
        return command;
    }
}
