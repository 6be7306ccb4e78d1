using ArchUnitNET.Domain;
using ArchUnitNET.Domain.Dependencies;
using ArchUnitNET.Domain.Extensions;

namespace SelfHostSync.Architecture.Tests;

public sealed class DependencyTests
{
    /// <summary>Namespaces of the executable that compose: they may know the adapters' concrete types.</summary>
    private static readonly string[] CompositionNamespaces = ["SelfHostSync.Composition", "SelfHostSync.Configuration"];

    [Fact]
    public void Namespaces_EveryProject_FormNoCycle()
    {
        var cycles = NamespaceGraph.Cycles();
        Assert.True(cycles.Count == 0, string.Join(Environment.NewLine, cycles.Select(Describe)));
    }

    [Fact]
    public void Core_References_NoHostPackage()
    {
        var core = Sources.Assemblies.Single(a => a.GetName().Name == "SelfHostSync.Core");
        var foreign = core.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => !n.StartsWith("System", StringComparison.Ordinal) && n is not "netstandard" and not "mscorlib")
            .ToList();
        Assert.True(foreign.Count == 0, $"SelfHostSync.Core references {string.Join(", ", foreign)}");
    }

    [Fact]
    public void Executable_OutsideComposition_KnowsNoAdapterType()
    {
        var found = AdapterReferences()
            .Where(x => !IsComposition(x.From))
            .Select(x => $"{x.From.FullName} -> {x.To.FullName}")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.True(
            found.Count == 0,
            "only the composition root may know the Proxmox, Synology and Home Assistant types:"
                + Environment.NewLine
                + string.Join(Environment.NewLine, found)
        );
    }

    [Fact]
    public void AdapterReferences_CompositionRoot_AreSeen()
    {
        // The rule above is only worth something if the model sees the composition root's own references.
        Assert.Contains(AdapterReferences(), x => IsComposition(x.From) && x.To.Name.Contains("Registration", StringComparison.Ordinal));
    }

    private static IEnumerable<(IType From, IType To)> AdapterReferences()
    {
        return Sources
            .Model.Types.Where(t => InAssembly(t.Assembly, "SelfHostSync"))
            .SelectMany(t => t.Dependencies.Select(d => (From: t, To: d.Target)))
            .Where(x => IsAdapter(x.To.Assembly))
            .Where(x => !IsAdapterSettings(x.To));
    }

    /// <summary>
    /// What an adapter area publishes for configuration (its option types, its rules on values such as a token id) is
    /// read by the other areas' rules and by <c>init</c>; its gateways, clients and records stay the composition root's.
    /// </summary>
    private static bool IsAdapterSettings(IType type) =>
        type.Namespace?.FullName is "SelfHostSync.Proxmox.Settings" or "SelfHostSync.Synology.Settings" or "SelfHostSync.HomeAssistant.Settings";

    private static bool IsAdapter(ArchUnitNET.Domain.Assembly? assembly) =>
        InAssembly(assembly, "SelfHostSync.Proxmox")
        || InAssembly(assembly, "SelfHostSync.Synology")
        || InAssembly(assembly, "SelfHostSync.HomeAssistant");

    /// <summary>ArchUnitNET names an assembly by its simple name (the executable's is lower case) or its full name.</summary>
    private static bool InAssembly(ArchUnitNET.Domain.Assembly? assembly, string name) =>
        assembly?.Name is not null && assembly.Name.Split(',')[0].Equals(name, StringComparison.OrdinalIgnoreCase);

    private static bool IsComposition(IType type) =>
        type.Namespace is not null && CompositionNamespaces.Any(ns => type.Namespace.FullName.StartsWith(ns, StringComparison.Ordinal));

    [Fact]
    public void Executable_OutsideDemoAndLabCommands_KnowsNoSimulator()
    {
        // Decision 015: the simulators ship in the binary for `demo` and `lab` only; the daemon never loads them.
        string[] allowed = ["SelfHostSync.Cli.DemoCommand", "SelfHostSync.Cli.LabCommand"];
        var users = Sources
            .Model.Types.Where(t => InAssembly(t.Assembly, "SelfHostSync"))
            .SelectMany(t => t.Dependencies.Select(d => (From: t, To: d.Target)))
            .Where(x => InAssembly(x.To.Assembly, "SelfHostSync.Lab"))
            .Select(x => x.From.FullName)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(users);
        var others = users
            .Where(u =>
                !allowed.Any(a => u == a || u.StartsWith(a + "+", StringComparison.Ordinal) || u.StartsWith(a + "/", StringComparison.Ordinal))
            )
            .ToList();
        Assert.True(others.Count == 0, "only `demo` and `lab` may use the simulators: " + string.Join(", ", others));
    }

    [Fact]
    public void Adapters_Gateways_AreNotPublic()
    {
        var ports = new[]
        {
            "IEvidenceSource",
            "ITagWriter",
            "ITagStyleWriter",
            "IStorageDirectory",
            "IDrillCluster",
            "IEndpointDoctor",
            "IDeviceEnrolment",
            "IPassAudience",
        };
        var exposed = Sources
            .Model.Classes.Where(c => IsAdapter(c.Assembly))
            .Where(c => c.Visibility == Visibility.Public && c.ImplementedInterfaces.Any(i => ports.Contains(i.Name)))
            .Select(c => c.FullName)
            .ToList();
        Assert.True(exposed.Count == 0, "gateways are reached through Core's ports, registered by Add{Area}: " + string.Join(", ", exposed));
    }

    [Fact]
    public void Source_Everywhere_CreatesNoHttpClientOutsideTheFactory()
    {
        var found = HttpClientConstructions(Sources.Model.Types).ToList();
        Assert.True(found.Count == 0, "HttpClients come from IHttpClientFactory (Add{Area}): " + string.Join(", ", found));
    }

    [Fact]
    public void HttpClientConstructions_TypeThatNewsOne_IsFound()
    {
        var model = new ArchUnitNET.Loader.ArchLoader().LoadAssemblies(typeof(DependencyTests).Assembly).Build();
        Assert.Contains(HttpClientConstructions(model.Types), f => f.Contains(nameof(NewsAnHttpClient), StringComparison.Ordinal));
    }

    private static IEnumerable<string> HttpClientConstructions(IEnumerable<IType> types) =>
        types
            .SelectMany(t => t.Dependencies.OfType<MethodCallDependency>().Select(d => (t, d.TargetMember)))
            .Where(x =>
                x.TargetMember is MethodMember { MethodForm: MethodForm.Constructor }
                && x.TargetMember.DeclaringType.FullName == "System.Net.Http.HttpClient"
            )
            .Select(x => x.t.FullName)
            .Distinct(StringComparer.Ordinal);

    private static string Describe(IReadOnlyList<string> group) =>
        $"cycle among {string.Join(", ", group)}:"
        + string.Concat(
            from a in @group
            from b in @group
            where NamespaceGraph.Edges.GetValueOrDefault(a)?.Contains(b) == true
            select $"{Environment.NewLine}  {a} -> {b} ({string.Join("; ", NamespaceGraph.Witnesses(a, b).Take(3))})"
        );

    /// <summary>What <see cref="HttpClientConstructions_TypeThatNewsOne_IsFound"/> must find.</summary>
    private static class NewsAnHttpClient
    {
        public static HttpClient Make() => new();
    }
}
