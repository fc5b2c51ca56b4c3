using System.Text.Json.Nodes;
using IntegrationHub.Tests.Fixtures;
using Json.Schema;

namespace IntegrationHub.Tests.Hosts;

/// <summary>Calls the live hub and checks every answer against the OpenAPI document the hub serves.</summary>
[Collection(HubCollection.Name)]
public sealed class OpenApiConformanceTests(HubFixture hub)
{
    /// <summary>One live call per documented answer: (method, documented path, concrete path, expected status).</summary>
    public static TheoryData<string, string, string, int> Calls() => new()
    {
        { "GET", "/api/v1/service-items", "/api/v1/service-items", 200 },
        { "GET", "/api/v1/service-items", "/api/v1/service-items?department=GA&online=true&q=证", 200 },
        { "GET", "/api/v1/service-items", "/api/v1/service-items?online=perhaps", 400 },
        { "GET", "/api/v1/service-items/{code}", "/api/v1/service-items/GA-006", 200 },
        { "GET", "/api/v1/service-items/{code}", "/api/v1/service-items/WJ-009", 200 },
        { "GET", "/api/v1/service-items/{code}", "/api/v1/service-items/NO-000", 404 },
        { "GET", "/api/v1/service-items/{code}/guide", "/api/v1/service-items/FG-003/guide", 200 },
        { "GET", "/api/v1/service-items/{code}/guide", "/api/v1/service-items/NO-000/guide", 404 },
        { "GET", "/api/v1/health", "/api/v1/health", 200 },
        { "GET", "/api/v1/openapi.json", "/api/v1/openapi.json", 200 },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task LiveAnswer_MatchesDocumentedSchema(string method, string documentedPath, string path, int status)
    {
        using var client = hub.CreateClient();
        var document = await Document(client);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, (int)response.StatusCode);
        var documented = document["paths"]![documentedPath]![method.ToLowerInvariant()]!["responses"]![$"{status}"];
        Assert.True(documented is not null, $"{method} {documentedPath} does not document {status}");
        var content = documented!["content"]!.AsObject();
        var mediaType = response.Content.Headers.ContentType!.MediaType!;
        Assert.True(content.ContainsKey(mediaType), $"{mediaType} is not documented for {status}");
        var schema = SchemaFor(document, content[mediaType]!["schema"]!);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());

        var result = schema.Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join("; ", result.Details.Where(d => d.HasErrors)
            .Select(d => $"{d.InstanceLocation}: {string.Join(",", d.Errors!.Values)}")));
    }

    [Fact]
    public async Task Document_EveryRouteOfTheHub_IsDocumentedAndViceVersa()
    {
        using var client = hub.CreateClient();
        var document = await Document(client);
        var documented = new SortedSet<string>(document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(op => $"{op.Key.ToUpperInvariant()} {p.Key}")));

        Assert.Equal(RouteTable.Local(hub.App), documented);
        Assert.Equal("3.1.0", document["openapi"]!.GetValue<string>());
    }

    [Fact]
    public async Task Document_EveryDocumentedAnswer_IsExercisedByALiveCall()
    {
        using var client = hub.CreateClient();
        var document = await Document(client);
        var exercised = Calls().Select(c => $"{c[0]} {c[1]} {c[3]}").ToHashSet();

        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (verb, operation) in operations!.AsObject())
            {
                foreach (var (status, answer) in operation!["responses"]!.AsObject())
                {
                    if (answer!["content"] is null || status is "304" or "503")
                    {
                        continue; // 304 has no body (tested in CatalogApiTests); 503 needs storage down (HealthTests).
                    }

                    Assert.Contains($"{verb.ToUpperInvariant()} {path} {status}", exercised);
                }
            }
        }
    }

    private static async Task<JsonNode> Document(HttpClient client) =>
        JsonNode.Parse(await client.GetStringAsync("/api/v1/openapi.json"))!;

    /// <summary>OpenAPI 3.1 schemas are JSON Schema 2020-12; the components become $defs of one schema.</summary>
    private static JsonSchema SchemaFor(JsonNode document, JsonNode schema)
    {
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = document["components"]!["schemas"]!.DeepClone(),
            ["allOf"] = new JsonArray(schema.DeepClone()),
        };
        return JsonSchema.FromText(root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal));
    }
}
