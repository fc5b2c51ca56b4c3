using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Communities;

public static class CommunitiesRegistration
{
    /// <summary>The community registry (Catalog/communities.json) and its public reads. Issue 13's appointments reuse the registry.</summary>
    public static IServiceCollection AddCommunities(this IServiceCollection services)
    {
        services.AddSingleton(_ => CommunityRegistry.LoadEmbedded());
        services.AddSingleton<CommunitiesApi>();
        return services;
    }
}
