using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Scalar.AspNetCore;

namespace IntegrationHub.Http;

/// <summary>
/// The interactive API reference at <c>/api/v1/docs/</c>: Scalar.AspNetCore's own endpoints (its page and its bundled
/// scripts) over the hub's OpenAPI document. The Functions host cannot map endpoints of its own, only triggers, so the
/// endpoints are built once over a private route table and both hosts reach them through one route,
/// <c>docs/{file?}</c>: the same handler on Azure and on one machine, and the route tables stay equal.
/// </summary>
internal sealed class ApiReference
{
    public const string Path = "/" + HubRoutes.Prefix + "/docs";

    private readonly FrozenDictionary<string, RequestDelegate> _files;
    private readonly RequestDelegate _page;

    public ApiReference(IServiceProvider services)
    {
        var routes = new PrivateRoutes(services);
        routes.MapScalarApiReference(Path, options => options
            .WithTitle("IntegrationHub API")
            .WithOpenApiRoutePattern("/" + HubRoutes.Prefix + "/" + HubRoutes.OpenApi));
        var endpoints = routes.DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();

        // Scalar maps its files as literal names (scalar.js, …) and its page as "{documentName?}".
        _files = endpoints.Where(e => e.RoutePattern.Parameters.Count == 0)
            .ToFrozenDictionary(e => e.RoutePattern.RawText!.Split('/')[^1], e => e.RequestDelegate!, StringComparer.Ordinal);
        _page = endpoints.Single(e => e.RoutePattern.Parameters.Count == 1).RequestDelegate!;
    }

    /// <summary>The names of Scalar's own files under <see cref="Path"/>.</summary>
    public IReadOnlyCollection<string> Files => _files.Keys;

    /// <summary>
    /// The page for <c>/api/v1/docs/</c> (and its redirect from <c>/api/v1/docs</c>), Scalar's files by name, and a 404
    /// problem for any other name: Scalar would take it as a document name and echo it into its page.
    /// </summary>
    // Assumption: the hub has one OpenAPI document, so /api/v1/docs/{name} never selects another one.
    public Results<ApiReference.Delegated, ProblemHttpResult> Get(HttpRequest request, string? file)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (file is null)
        {
            return new Delegated(_page);
        }

        return _files.TryGetValue(file, out var asset) ? new Delegated(asset) : Problems.NotFound("The API reference has no such file.");
    }

    /// <summary>An answer Scalar's own endpoint writes.</summary>
    internal sealed class Delegated(RequestDelegate handler) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => handler(httpContext);
    }

    private sealed class PrivateRoutes(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => services;

        public ICollection<EndpointDataSource> DataSources { get; } = [];

        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(services);
    }
}
