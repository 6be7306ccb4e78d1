using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using SelfHostSync.Composition;
using SelfHostSync.Configuration;
using Serilog;

namespace SelfHostSync.Tests.Control;

/// <summary>The served OpenAPI document names exactly the routes the daemon maps (the dashboard page aside).</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task OpenApi_Document_MatchesTheMappedRoutes()
    {
        await using var run = await LabRun.StartAsync();
        var config = ConfigLoader.Load(run.ConfigPath);
        await using var app = DaemonHost.Build(
            config,
            TimeProvider.System,
            new LoggerConfiguration().CreateLogger(),
            [new Uri("http://127.0.0.1:0")]
        );
        var mapped = ((IEndpointRouteBuilder)app)
            .DataSources.SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(e =>
                (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m =>
                    $"{m} {Normalize(e.RoutePattern.RawText!)}"
                )
            )
            .Where(r => r != "GET /")
            .Order(StringComparer.Ordinal)
            .ToList();

        using var stream = typeof(DaemonHost).Assembly.GetManifestResourceStream("SelfHostSync.Control.openapi.json")!;
        using var document = await JsonDocument.ParseAsync(stream);
        var documented = document
            .RootElement.GetProperty("paths")
            .EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(mapped, documented);
    }

    /// <summary><c>/api/guests/{cluster}/{vmid:int}</c> as OpenAPI writes it: <c>/api/guests/{cluster}/{vmid}</c>.</summary>
    private static string Normalize(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern, ":[a-z]+}", "}");
}
