using IntegrationHub.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Catalog;

internal static class CatalogRegistration
{
    /// <summary>The 65 service items, their procedure guides and the online items' form schemas, loaded from embedded data.</summary>
    public static IServiceCollection AddCatalog(this IServiceCollection services)
    {
        services.AddSingleton(_ => ServiceCatalog.LoadEmbedded());
        services.AddSingleton<FormSchemas>();
        services.AddSingleton<FormFieldTitles>();
        services.AddSingleton<CatalogApi>();
        return services;
    }

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder api)
    {
        // Load and check the catalog now, so bad data fails at start, not on the first request.
        api.ServiceProvider.GetRequiredService<FormSchemas>();
        api.MapGet(HubRoutes.ServiceItems, (HttpRequest r, CatalogApi c) => c.ListItems(r));
        api.MapGet(HubRoutes.ServiceItem, (HttpRequest r, string code, CatalogApi c) => c.GetItem(r, code));
        api.MapGet(HubRoutes.ServiceItemGuide, (HttpRequest r, string code, CatalogApi c) => c.GetGuide(r, code));
        return api;
    }
}
