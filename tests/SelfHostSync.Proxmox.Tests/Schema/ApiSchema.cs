using System.IO.Compression;
using System.Text.Json;

namespace SelfHostSync.Proxmox.Tests.Schema;

/// <summary>
/// The official PVE/PBS API schema (the api-viewer tree, gzipped copies of ../shared/api/schema): finds the
/// declared method for a concrete request path, and the parameters and return shape it declares.
/// </summary>
internal sealed class ApiSchema
{
    private readonly Dictionary<string, JsonElement> _byPath = new(StringComparer.Ordinal);

    private ApiSchema(JsonElement root)
    {
        Walk(root);
    }

    public static ApiSchema Pve { get; } = Load("pve-api-schema.json.gz");

    public static ApiSchema Pbs { get; } = Load("pbs-api-schema.json.gz");

    public int PathCount => _byPath.Count;

    public static ApiSchema Load(string file)
    {
        using var stream = new GZipStream(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Schema", file)), CompressionMode.Decompress);
        using var doc = JsonDocument.Parse(stream);
        return new ApiSchema(doc.RootElement.Clone());
    }

    /// <summary>The schema path template and method info for a concrete path such as <c>/nodes/pve1/qemu/100/config</c>.</summary>
    public (string Template, JsonElement Info)? Find(string method, string path)
    {
        var segments = path.Trim('/').Split('/');
        (string, JsonElement)? best = null;
        var bestLiterals = -1;
        foreach (var (template, node) in _byPath)
        {
            var parts = template.Trim('/').Split('/');
            if (parts.Length != segments.Length || !node.TryGetProperty("info", out var info) || !info.TryGetProperty(method, out var m))
            {
                continue;
            }

            var literals = 0;
            var ok = true;
            for (var i = 0; i < parts.Length && ok; i++)
            {
                if (parts[i].StartsWith('{'))
                {
                    ok = segments[i].Length > 0;
                }
                else
                {
                    ok = parts[i] == segments[i];
                    literals++;
                }
            }

            if (ok && literals > bestLiterals)
            {
                best = (template, m);
                bestLiterals = literals;
            }
        }

        return best;
    }

    /// <summary>Declared parameter names of a method (path variables included).</summary>
    public static IReadOnlySet<string> Parameters(JsonElement info) =>
        info.TryGetProperty("parameters", out var p) && p.TryGetProperty("properties", out var props)
            ? props.EnumerateObject().Select(x => x.Name).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="name"/> is declared, counting indexed ones: <c>net0</c> is declared as <c>net[n]</c>.</summary>
    public static bool Declares(IReadOnlySet<string> declared, string name)
    {
        if (declared.Contains(name))
        {
            return true;
        }

        var stem = name.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
        return stem.Length < name.Length && declared.Contains(stem + "[n]");
    }

    public static JsonElement? Returns(JsonElement info) => info.TryGetProperty("returns", out var r) ? r : null;

    private void Walk(JsonElement node)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var child in node.EnumerateArray())
            {
                Walk(child);
            }

            return;
        }

        if (node.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.String)
        {
            _byPath[path.GetString()!] = node;
        }

        if (node.TryGetProperty("children", out var children) && children.ValueKind == JsonValueKind.Array)
        {
            Walk(children);
        }
    }
}
