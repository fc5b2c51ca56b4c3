using IntegrationHub.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Platforms;

internal static class PlatformsRegistration
{
    /// <summary>The community platforms the hub serves: their API keys, webhook addresses and secrets.</summary>
    public static IServiceCollection AddPlatforms(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PlatformOptions>(configuration, PlatformOptions.Section);
        services.AddSingleton<PlatformAuth>();
        return services;
    }
}
