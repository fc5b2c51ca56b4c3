using IntegrationHub.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Health;

internal static class HealthRegistration
{
    /// <summary>Health, readiness and liveness over the storage, backlog and department checks.</summary>
    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHubHealthChecks();
        services.AddSingleton<HealthApi>();
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder api)
    {
        api.MapGet(HubRoutes.Health, (HealthApi h, CancellationToken ct) => h.Check(ct));
        api.MapGet(HubRoutes.HealthReady, (HealthApi h, CancellationToken ct) => h.Ready(ct));
        api.MapGet(HubRoutes.HealthLive, (HealthApi h, CancellationToken ct) => h.Live(ct));
        return api;
    }
}
