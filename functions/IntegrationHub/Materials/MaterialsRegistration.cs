using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Materials;

public static class MaterialsRegistration
{
    /// <summary>The materials slice (issue 11): the blob store of sealed files and the upload route's handler.</summary>
    public static IServiceCollection AddMaterials(this IServiceCollection services)
    {
        services.AddSingleton<MaterialStore>();
        services.AddSingleton<MaterialsApi>();
        return services;
    }
}
