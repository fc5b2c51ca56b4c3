using System.Reflection;
using System.Text.Json.Nodes;
using IntegrationHub.Functions;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;

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

    public static SortedSet<string> Functions()
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(Azurite.RepoRoot(), "host.json")))!;
        var prefix = hostJson["extensions"]!["http"]!["routePrefix"]!.GetValue<string>().Trim('/');
        var routes = new SortedSet<string>();
        foreach (var method in typeof(ResultAction).Assembly.GetTypes().SelectMany(t => t.GetMethods()))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is null)
            {
                continue;
            }

            foreach (var trigger in method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>())
            {
                foreach (var verb in trigger.Methods ?? ["*"])
                {
                    routes.Add($"{verb.ToUpperInvariant()} /{prefix}/{trigger.Route!.Trim('/')}");
                }
            }
        }

        return routes;
    }
}
