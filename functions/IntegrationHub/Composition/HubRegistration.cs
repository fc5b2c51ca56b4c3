using System.Text.Encodings.Web;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Health;
using IntegrationHub.Http;
using IntegrationHub.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Composition;

/// <summary>What both hosts register and map: one line per capability.</summary>
public static class HubRegistration
{
    public static IServiceCollection AddHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, HubJsonContext.Default);
            // Chinese text stays readable in responses; the portal never puts API text into HTML unescaped.
            o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        services.AddHubStorage(configuration);
        services.AddCatalog();
        services.AddSingleton<HealthApi>();
        services.AddSingleton<OpenApiDocument>();
        return services;
    }

    public static IServiceCollection AddCatalog(this IServiceCollection services)
    {
        services.AddSingleton(_ => ServiceCatalog.LoadEmbedded());
        services.AddSingleton<CatalogApi>();
        return services;
    }

    /// <summary>The local host's route table; the Functions app declares the same routes as triggers.</summary>
    public static RouteGroupBuilder MapHubApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/" + HubRoutes.Prefix);
        api.MapGet(HubRoutes.ServiceItems, (HttpRequest r, CatalogApi c) => c.ListItems(r));
        api.MapGet(HubRoutes.ServiceItem, (HttpRequest r, string code, CatalogApi c) => c.GetItem(r, code));
        api.MapGet(HubRoutes.ServiceItemGuide, (HttpRequest r, string code, CatalogApi c) => c.GetGuide(r, code));
        api.MapGet(HubRoutes.Health, (HealthApi h, CancellationToken ct) => h.Check(ct));
        api.MapGet(HubRoutes.OpenApi, (HttpRequest r, OpenApiDocument d) => d.Get(r));
        return api;
    }
}
