using System.Reflection;
using Xunit.Sdk;
using Xunit.v3;

namespace SelfHostSync.TestKit;

/// <summary>
/// Marks a test class that takes a minute or more in all (building a package, drills with their timeouts): it starts
/// before the others, so that it does not run alone at the end of the suite.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class LongRunningAttribute : Attribute;

/// <summary>
/// Orders the test classes (each its own collection) longest first: those marked <see cref="LongRunningAttribute"/>,
/// then the rest by name, so that the parallel run ends with short classes rather than with one long one.
/// </summary>
public sealed class LongRunningFirstOrderer : ITestCollectionOrderer
{
    private const string DefaultCollectionPrefix = "Test collection for ";

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection
    {
        ArgumentNullException.ThrowIfNull(testCollections);
        return [.. testCollections.OrderBy(c => IsLongRunning(c) ? 0 : 1).ThenBy(c => c.TestCollectionDisplayName, StringComparer.Ordinal)];
    }

    private static bool IsLongRunning(ITestCollection collection)
    {
        // A class's own collection is named "Test collection for Namespace.Class (id: …)".
        var display = collection.TestCollectionDisplayName;
        var name = display.StartsWith(DefaultCollectionPrefix, StringComparison.Ordinal)
            ? display[DefaultCollectionPrefix.Length..].Split(' ')[0]
            : collection.TestCollectionClassName;
        var assembly = Assembly.Load(new AssemblyName(collection.TestAssembly.AssemblyName));
        return name is not null && assembly.GetType(name)?.GetCustomAttribute<LongRunningAttribute>() is not null;
    }
}
