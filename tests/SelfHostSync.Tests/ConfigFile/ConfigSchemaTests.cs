using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Json.Schema;
using SelfHostSync.Configuration;

namespace SelfHostSync.Tests.ConfigFile;

/// <summary>
/// <c>appsettings.schema.json</c> is generated from the option types: editors complete and check a configuration that
/// names it in <c>$schema</c> (the example does; the package installs it). Regenerate with
/// <c>SELFHOSTSYNC_WRITE_SCHEMA=1 dotnet test --filter ConfigSchemaTests</c> after changing an option type.
/// </summary>
public sealed class ConfigSchemaTests
{
    private static readonly string Root = FindRoot();

    private static string SchemaPath => Path.Combine(Root, "appsettings.schema.json");

    [Fact]
    public void CommittedSchema_OptionTypes_EqualsGenerated()
    {
        var generated = Generate();
        if (Environment.GetEnvironmentVariable("SELFHOSTSYNC_WRITE_SCHEMA") == "1")
        {
            File.WriteAllText(SchemaPath, generated);
        }

        Assert.True(
            File.Exists(SchemaPath) && File.ReadAllText(SchemaPath) == generated,
            "appsettings.schema.json differs from the option types: run SELFHOSTSYNC_WRITE_SCHEMA=1 dotnet test --filter ConfigSchemaTests"
        );
    }

    [Theory]
    [InlineData("appsettings.example.json")]
    [InlineData("config/demo-appsettings.json")]
    public void Configuration_ShippedFile_PassesTheSchema(string file)
    {
        var errors = Evaluate(File.ReadAllText(Path.Combine(Root, file)));

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Theory]
    [InlineData("{ \"SelfHostSync\": { \"Tags\": { \"Wirte\": false } } }", "/SelfHostSync/Tags/Wirte")]
    [InlineData("{ \"SelfHostSync\": { \"DryRun\": \"maybe\" } }", "/SelfHostSync/DryRun")]
    [InlineData("{ \"SelfHostSync\": { \"Proxmox\": { \"Name\": \"x\" } } }", "/SelfHostSync/Proxmox")]
    [InlineData(
        "{ \"SelfHostSync\": { \"Proxmox\": [ { \"Name\": \"x\", \"MaxConcurentRequests\": 4 } ] } }",
        "/SelfHostSync/Proxmox/0/MaxConcurentRequests"
    )]
    public void Schema_WrongKeyOrType_RejectedAtItsLocation(string json, string location)
    {
        Assert.Contains(Evaluate(json), e => e.StartsWith(location + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Example_NamesTheSchema()
    {
        using var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "appsettings.example.json")));

        Assert.Equal("./appsettings.schema.json", example.RootElement.GetProperty("$schema").GetString());
    }

    private static List<string> Evaluate(string json)
    {
        var schema = JsonSchema.FromText(File.ReadAllText(SchemaPath));
        using var document = JsonDocument.Parse(
            json,
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }
        );
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            :
            [
                .. (result.Details ?? [])
                    .Where(d => !d.IsValid && d.Errors is { Count: > 0 })
                    .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}"),
            ];
    }

    /// <summary>The schema of the file: the <c>SelfHostSync</c> section from the areas' option types (<see cref="AppConfigFactory.Areas"/>), unknown keys refused.</summary>
    private static string Generate()
    {
        var exporter = new JsonSchemaExporterOptions
        {
            TransformSchemaNode = (_, node) =>
            {
                if (node is JsonObject { } o && o["properties"] is JsonObject)
                {
                    o["additionalProperties"] = false;
                }

                return node;
            },
        };
        // The section is every area's options together: each area binds its own keys from it.
        var section = new JsonObject
        {
            ["type"] = new JsonArray("object", "null"),
            ["properties"] = new JsonObject(),
            ["additionalProperties"] = false,
        };
        foreach (var area in AppConfigFactory.Areas)
        {
            var node = JsonSchemaExporter.GetJsonSchemaAsNode(JsonSerializerOptions.Default, area, exporter);
            foreach (var (key, value) in node["properties"]!.AsObject())
            {
                section["properties"]![key] ??= value!.DeepClone();
            }
        }

        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "SelfHostSync configuration (appsettings.json)",
            ["description"] =
                "Generated from the option types by tests/SelfHostSync.Tests/ConfigFile/ConfigSchemaTests.cs; docs/configuration.md explains every key.",
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["$schema"] = new JsonObject { ["type"] = "string" },
                ["SelfHostSync"] = section,
            },
        };
        return root.ToJsonString(
                    new JsonSerializerOptions
                    {
                        WriteIndented = true,
                        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                    }
                )
                .ReplaceLineEndings("\n") + "\n";
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SelfHostSync.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("no SelfHostSync.sln above the test directory");
    }
}
