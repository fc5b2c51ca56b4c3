using System.Text.Encodings.Web;
using IntegrationHub.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Http;

internal static class HttpRegistration
{
    /// <summary>What every answer shares: problem details, the hub's JSON, and the OpenAPI document with its reference.</summary>
    public static IServiceCollection AddHubHttp(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, HubJsonContext.Default);
            // Chinese text stays readable in responses; the portal never puts API text into HTML unescaped.
            o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        services.AddSingleton<OpenApiDocument>();
        // The reference builds Scalar's endpoints over its own route table, in the Functions host too.
        services.AddRouting();
        services.AddSingleton<ApiReference>();
        return services;
    }

    /// <summary>The OpenAPI document and the interactive reference over it.</summary>
    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder api)
    {
        api.MapGet(HubRoutes.OpenApi, (HttpRequest r, OpenApiDocument d) => d.Get(r));
        api.MapGet(HubRoutes.ApiReference, (HttpRequest r, string? file, ApiReference d) => d.Get(r, file));
        return api;
    }
}
