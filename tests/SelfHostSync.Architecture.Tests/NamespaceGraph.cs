namespace SelfHostSync.Architecture.Tests;

/// <summary>Namespace-to-namespace dependencies of our assemblies and their strongly connected groups (cycles).</summary>
internal static class NamespaceGraph
{
    public static IReadOnlyDictionary<string, HashSet<string>> Edges { get; } = Build();

    /// <summary>Every group of two or more namespaces that depend on each other, with one witness type pair per edge.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = 0;
        var stack = new Stack<string>();
        var on = new HashSet<string>(StringComparer.Ordinal);
        var idx = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = new List<IReadOnlyList<string>>();

        void Visit(string v)
        {
            idx[v] = low[v] = index++;
            stack.Push(v);
            on.Add(v);
            foreach (var w in Edges.GetValueOrDefault(v) ?? [])
            {
                if (!idx.TryGetValue(w, out var seen))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (on.Contains(w))
                {
                    low[v] = Math.Min(low[v], seen);
                }
            }

            if (low[v] == idx[v])
            {
                var group = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    on.Remove(w);
                    group.Add(w);
                } while (w != v);
                if (group.Count > 1)
                {
                    groups.Add([.. group.Order(StringComparer.Ordinal)]);
                }
            }
        }

        foreach (var v in Edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!idx.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return groups;
    }

    /// <summary>Which types make <paramref name="from"/> depend on <paramref name="to"/>.</summary>
    public static IEnumerable<string> Witnesses(string from, string to) =>
        Sources
            .Model.Types.Where(t => t.Namespace.FullName == from)
            .SelectMany(t => t.Dependencies.Select(d => (t, d.Target)))
            .Where(x => x.Target.Namespace?.FullName == to)
            .Select(x => $"{x.t.Name} -> {x.Target.Name}")
            .Distinct(StringComparer.Ordinal);

    private static Dictionary<string, HashSet<string>> Build()
    {
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in Sources.Model.Types.Where(t => t.Namespace is not null && Ours(t.Namespace.FullName)))
        {
            foreach (var target in type.Dependencies.Select(d => d.Target.Namespace?.FullName ?? string.Empty).Where(Ours))
            {
                if (target != type.Namespace.FullName)
                {
                    (
                        edges.TryGetValue(type.Namespace.FullName, out var set) ? set : edges[type.Namespace.FullName] = new(StringComparer.Ordinal)
                    ).Add(target);
                }
            }
        }

        return edges;
    }

    private static bool Ours(string ns) => ns == "SelfHostSync" || ns.StartsWith("SelfHostSync.", StringComparison.Ordinal);
}
