using IntegrationHub.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Materials;

internal static class MaterialsRegistration
{
    /// <summary>The materials slice (issue 11): the blob store of sealed files and the upload route's handler.</summary>
    public static IServiceCollection AddMaterials(this IServiceCollection services)
    {
        services.AddSingleton<MaterialStore>();
        services.AddSingleton<MaterialsApi>();
        return services;
    }

    public static IEndpointRouteBuilder MapMaterials(this IEndpointRouteBuilder api)
    {
        api.MapPost(HubRoutes.Materials, (HttpRequest r, MaterialsApi m, CancellationToken ct) => m.UploadAsync(r, ct));
        return api;
    }
}
