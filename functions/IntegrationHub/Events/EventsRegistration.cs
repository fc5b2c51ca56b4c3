using IntegrationHub.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Events;

internal static class EventsRegistration
{
    /// <summary>Status events to the platforms: the pull feed, the signed webhooks' pumps and (on Azure) the Service Bus topic.</summary>
    public static IServiceCollection AddPlatformEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStatusTopic(configuration);
        services.AddSingleton<EventsApi>();
        services.AddFeedPumps(configuration);
        return services;
    }

    public static IEndpointRouteBuilder MapPlatformEvents(this IEndpointRouteBuilder api)
    {
        api.MapGet(HubRoutes.Events, (HttpRequest r, EventsApi e, CancellationToken ct) => e.ListAsync(r, ct));
        return api;
    }
}
