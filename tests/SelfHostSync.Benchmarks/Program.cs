using BenchmarkDotNet.Running;
using SelfHostSync.Benchmarks;
using SelfHostSync.Lab.Scenario;

// dotnet run -c Release --project tests/SelfHostSync.Benchmarks -- core            (BenchmarkDotNet, the pure Core and the alert bookkeeping)
// dotnet run -c Release --project tests/SelfHostSync.Benchmarks -- e2e [sizes…]    (real passes against the lab)
// dotnet run -c Release --project tests/SelfHostSync.Benchmarks -- dashboard [sizes…] (page size and Chromium render time)
if (args.Length > 0 && args[0] == "dashboard")
{
    foreach (var size in args.Length > 1 ? args.Skip(1).Select(a => EstateSize.Parse(a)!) : [EstateSize.Homelab, EstateSize.Large])
    {
        Console.Out.WriteLine(await DashboardBenchmark.RunAsync(size));
    }

    return 0;
}

if (args.Length > 0 && args[0] == "e2e")
{
    var sizes =
        args.Length > 1
            ? args.Skip(1).Select(a => EstateSize.Parse(a) ?? throw new ArgumentException($"unknown size '{a}' (homelab, business, large)"))
            : [EstateSize.Homelab, EstateSize.Business, EstateSize.Large];
    foreach (var size in sizes)
    {
        Console.Out.WriteLine(await EndToEndBenchmark.RunAsync(size, 2));
    }

    return 0;
}

var rest = args.Length > 0 && args[0] == "core" ? args[1..] : args;
BenchmarkRunner.Run<CoreBenchmarks>(args: rest);
BenchmarkRunner.Run<AlertBenchmarks>(args: rest);
return 0;
