using IntegrationHub.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Communities;

internal static class CommunitiesRegistration
{
    /// <summary>The community registry (Catalog/communities.json) and its public reads. Issue 13's appointments reuse the registry.</summary>
    public static IServiceCollection AddCommunities(this IServiceCollection services)
    {
        services.AddSingleton(_ => CommunityRegistry.LoadEmbedded());
        services.AddSingleton<CommunitiesApi>();
        return services;
    }

    public static IEndpointRouteBuilder MapCommunities(this IEndpointRouteBuilder api)
    {
        // Load and check the registry now, so bad data fails at start, not on the first request.
        api.ServiceProvider.GetRequiredService<CommunityRegistry>();
        api.MapGet(HubRoutes.Communities, (HttpRequest r, CommunitiesApi c) => c.List(r));
        api.MapGet(HubRoutes.Community, (HttpRequest r, string code, CommunitiesApi c) => c.Get(r, code));
        return api;
    }
}
