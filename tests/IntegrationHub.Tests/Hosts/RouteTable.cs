using System.Text.Json.Nodes;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Routing;

namespace IntegrationHub.Tests.Hosts;

/// <summary>Reads each host's route table as "METHOD /path" lines.</summary>
internal static class RouteTable
{
    public static SortedSet<string> Local(IEndpointRouteBuilder app) =>
    [
        .. app.DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m.ToUpperInvariant()} /{e.RoutePattern.RawText!.Trim('/')}"))
            .Where(r => !r.Contains("/portal-static/", StringComparison.Ordinal)),
    ];

    /// <summary>The same routes as OpenAPI paths: an optional last segment (<c>{file?}</c>) is a path without it and one with it.</summary>
    public static SortedSet<string> AsOpenApiPaths(IEnumerable<string> routes) =>
    [
        .. routes.SelectMany(r => r.EndsWith("?}", StringComparison.Ordinal)
            ? new[] { r[..r.LastIndexOf('/')], r.Replace("?}", "}", StringComparison.Ordinal) }
            : [r]),
    ];

    /// <summary>The Functions app's HTTP triggers from its generated functions.metadata, under host.json's route prefix.</summary>
    public static SortedSet<string> Functions()
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(Azurite.RepoRoot(), "host.json")))!;
        var prefix = hostJson["extensions"]!["http"]!["routePrefix"]!.GetValue<string>().Trim('/');
        return
        [
            .. FunctionsMetadata.Triggers().Where(t => t.Type == "httpTrigger")
                .SelectMany(t => (t.Methods.Count == 0 ? ["*"] : t.Methods).Select(m => $"{m} /{prefix}/{t.Value!.Trim('/')}")),
        ];
    }
}
