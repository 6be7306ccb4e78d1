using System.Reflection;
using ArchUnitNET.Loader;
using ArchitectureModel = ArchUnitNET.Domain.Architecture;

namespace SelfHostSync.Architecture.Tests;

/// <summary>The assemblies and source files under test.</summary>
internal static class Sources
{
    public static readonly string[] ProjectNames =
    [
        "SelfHostSync",
        "SelfHostSync.Core",
        "SelfHostSync.Http",
        "SelfHostSync.Proxmox",
        "SelfHostSync.Synology",
        "SelfHostSync.HomeAssistant",
        "SelfHostSync.Lab",
    ];

    public static IReadOnlyList<Assembly> Assemblies { get; } = [.. ProjectNames.Select(n => Assembly.Load(n))];

    public static ArchitectureModel Model { get; } = new ArchLoader().LoadAssemblies([.. Assemblies]).Build();

    /// <summary>The repository's <c>src/</c> directory, found from the test's output directory.</summary>
    public static string SourceDirectory { get; } = FindSource();

    /// <summary>Every C# file of <c>src/</c>, without build output.</summary>
    public static IEnumerable<string> SourceFiles() =>
        Directory
            .EnumerateFiles(SourceDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f =>
                !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            )
            .Order(StringComparer.Ordinal);

    private static string FindSource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SelfHostSync.sln")))
            {
                return Path.Combine(dir.FullName, "src");
            }
        }

        throw new InvalidOperationException($"no SelfHostSync.sln above {AppContext.BaseDirectory}");
    }
}
