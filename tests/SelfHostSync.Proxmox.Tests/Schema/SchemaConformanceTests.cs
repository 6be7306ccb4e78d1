using System.Net.Http.Headers;
using System.Text.Json;
using SelfHostSync.Proxmox.Http;

namespace SelfHostSync.Proxmox.Tests.Schema;

/// <summary>
/// Every request our clients send is a path + method of the official PVE/PBS schema with declared parameters only;
/// every Lab route exists in the schema; every Lab answer has the documented shape.
/// </summary>
public sealed class SchemaConformanceTests
{
    private const string Prefix = "/api2/json";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Clients_FullPassAgainstLab_SendOnlySchemaPathsAndParameters(bool tickets)
    {
        await using var fixture = await LabFixture.StartAsync(tickets, edit: DemoLab.DrillableContainer);
        await fixture.ExerciseAsync();

        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (product, server) in fixture.Servers)
        {
            var schema = product == ProxmoxProduct.Pve ? ApiSchema.Pve : ApiSchema.Pbs;
            foreach (var call in server.Calls)
            {
                Assert.StartsWith(Prefix, call.Path, StringComparison.Ordinal);
                var path = call.Path[Prefix.Length..];
                var found = schema.Find(call.Method, path);
                if (found is null)
                {
                    problems.Add($"{product}: {call.Method} {path} is not in the schema");
                    continue;
                }

                seen.Add($"{product} {call.Method} {found.Value.Template}");
                var declared = ApiSchema.Parameters(found.Value.Info);
                problems.AddRange(
                    call.Query.Concat(call.Form)
                        .Where(p => !ApiSchema.Declares(declared, p))
                        .Select(p => $"{product}: {call.Method} {found.Value.Template}: parameter '{p}' is not declared")
                );
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Distinct()));

        // The exercise really covered the API surface we use.
        Assert.Contains("Pve GET /cluster/resources", seen);
        Assert.Contains("Pve PUT /nodes/{node}/qemu/{vmid}/config", seen);
        Assert.Contains("Pve PUT /nodes/{node}/lxc/{vmid}/config", seen);
        Assert.Contains("Pve PUT /cluster/options", seen);
        Assert.Contains("Pve GET /cluster/ha/resources", seen);
        Assert.Contains("Pve GET /cluster/backup-info/not-backed-up", seen);
        Assert.Contains("Pve GET /nodes/{node}/tasks/{upid}/log", seen);
        Assert.Contains("Pbs GET /admin/datastore/{store}/snapshots", seen);
        Assert.Contains("Pbs GET /admin/datastore/{store}/groups", seen);
        Assert.Contains("Pbs GET /nodes/{node}/tasks", seen);
        Assert.Contains("Pbs GET /admin/verify", seen);
        Assert.Contains("Pbs GET /admin/sync", seen);
        Assert.Contains("Pve POST /nodes/{node}/qemu", seen);
        Assert.Contains("Pve POST /nodes/{node}/lxc", seen);
        Assert.Contains("Pve POST /nodes/{node}/qemu/{vmid}/status/start", seen);
        Assert.Contains("Pve POST /nodes/{node}/qemu/{vmid}/agent/ping", seen);
        Assert.Contains("Pve GET /nodes/{node}/tasks/{upid}/status", seen);
        Assert.Contains("Pve DELETE /nodes/{node}/qemu/{vmid}", seen);
        Assert.Contains("Pve DELETE /nodes/{node}/lxc/{vmid}", seen);
        if (tickets)
        {
            Assert.Contains("Pve POST /access/ticket", seen);
            Assert.Contains("Pbs POST /access/ticket", seen);
        }
    }

    [Fact]
    public async Task LabRoutes_AllRoutes_ExistInSchema()
    {
        await using var fixture = await LabFixture.StartAsync();
        var problems = new List<string>();
        var count = 0;
        foreach (var (product, server) in fixture.Servers)
        {
            var schema = product == ProxmoxProduct.Pve ? ApiSchema.Pve : ApiSchema.Pbs;
            foreach (var (method, pattern) in server.Routes)
            {
                foreach (var sample in Samples(pattern[Prefix.Length..]))
                {
                    count++;
                    if (schema.Find(method, sample) is null)
                    {
                        problems.Add($"{product}: lab route {method} {pattern} (as {sample}) is not in the schema");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Distinct()));
        Assert.True(count >= 20, $"only {count} routes checked");
    }

    [Fact]
    public async Task LabResponses_EveryGetTheClientsMade_MatchSchemaShapes()
    {
        await using var fixture = await LabFixture.StartAsync(edit: DemoLab.DrillableContainer);
        await fixture.ExerciseAsync();

        var problems = new List<string>();
        var checkedCount = 0;
        foreach (var (product, server) in fixture.Servers)
        {
            var schema = product == ProxmoxProduct.Pve ? ApiSchema.Pve : ApiSchema.Pbs;
            var token =
                product == ProxmoxProduct.Pve
                    ? fixture.Lab.Clusters.Single(c => c.Server == server).Spec.Tokens[0]
                    : fixture.Lab.BackupServers.Single(b => b.Server == server).Spec.Tokens[0];
            using var http = LabHttp(
                server.Url,
                product == ProxmoxProduct.Pve
                    ? new AuthenticationHeaderValue("PVEAPIToken", $"{token.Id}={token.Secret}")
                    : new AuthenticationHeaderValue("PBSAPIToken", $"{token.Id}:{token.Secret}")
            );
            // The drills' scratch guests (99xx) are destroyed by the end of the exercise: their reads cannot be replayed.
            foreach (
                var request in server
                    .Requests.Where(r => r.StartsWith("GET ", StringComparison.Ordinal) && !r.Contains("/99", StringComparison.Ordinal))
                    .Distinct(StringComparer.Ordinal)
                    .ToList()
            )
            {
                var target = request[4..];
                var path = target.Split('?')[0][Prefix.Length..];
                var returns = ApiSchema.Returns(schema.Find("GET", Uri.UnescapeDataString(path))!.Value.Info);
                using var response = await http.GetAsync(new Uri(target.TrimStart('/'), UriKind.Relative));
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, $"{request}: {(int)response.StatusCode} {body}");
                using var doc = JsonDocument.Parse(body);
                if (returns is { } shape)
                {
                    checkedCount++;
                    problems.AddRange(ShapeValidator.Validate(shape, doc.RootElement.GetProperty("data")).Select(p => $"{product} GET {path}: {p}"));
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Distinct()));
        Assert.True(checkedCount >= 10, $"only {checkedCount} responses checked");
    }

    [Fact]
    public void ShapeValidator_MissingRequiredAndWrongType_Reported()
    {
        using var schema = JsonDocument.Parse(
            """{"type":"array","items":{"type":"object","properties":{"vmid":{"type":"integer"},"name":{"type":"string","optional":1}}}}"""
        );
        using var bad = JsonDocument.Parse("""[{"name":5},{"vmid":"100"}]""");
        var problems = ShapeValidator.Validate(schema.RootElement, bad.RootElement);
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Find_UnknownPathOrMethod_ReturnsNull()
    {
        Assert.Null(ApiSchema.Pve.Find("GET", "/cluster/nonexistent"));
        Assert.Null(ApiSchema.Pve.Find("DELETE", "/cluster/resources"));
        Assert.NotNull(ApiSchema.Pve.Find("GET", "/nodes/pve1/qemu/100/config"));
        Assert.True(ApiSchema.Pve.PathCount > 400);
        Assert.True(ApiSchema.Pbs.PathCount > 200);
    }

    /// <summary>Concrete sample paths for a lab route pattern; a free <c>{type}</c> segment stands for both qemu and lxc.</summary>
    private static IEnumerable<string> Samples(string pattern)
    {
        var segments = pattern
            .Trim('/')
            .Split('/')
            .Select(s =>
                s.StartsWith('{')
                    ? s.Trim('{', '}').Split(':')[0] switch
                    {
                        "node" => "pve1",
                        "vmid" => "100",
                        "storage" => "local",
                        "store" => "main",
                        "upid" => "UPID:pve1:00001234:00005678:65A1B2C3:qmrestore:100:root@pam:",
                        "type" => "{type}",
                        var other => other,
                    }
                    : s
            )
            .ToList();
        var concrete = "/" + string.Join('/', segments);
        return segments.Contains("{type}")
            ? [concrete.Replace("{type}", "qemu", StringComparison.Ordinal), concrete.Replace("{type}", "lxc", StringComparison.Ordinal)]
            : [concrete];
    }

    private static HttpClient LabHttp(Uri baseUrl, AuthenticationHeaderValue auth)
    {
        // Loopback lab with a generated certificate: the test talks to it without the pinning stack on purpose.
#pragma warning disable CA2000, CA5400
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        };
#pragma warning restore CA2000, CA5400
        var http = new HttpClient(handler) { BaseAddress = baseUrl };
        http.DefaultRequestHeaders.Authorization = auth;
        return http;
    }
}
