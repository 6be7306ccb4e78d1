using BenchmarkDotNet.Running;
using SelfHostSync.Benchmarks;
using SelfHostSync.Lab.Scenario;

// dotnet run -c Release --project tests/SelfHostSync.Benchmarks -- core            (BenchmarkDotNet, the pure Core and the alert bookkeeping)
// dotnet run -c Release --project tests/SelfHostSync.Benchmarks -- e2e [sizes…]    (real passes against the lab)
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
