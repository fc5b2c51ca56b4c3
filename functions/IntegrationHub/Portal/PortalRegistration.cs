using IntegrationHub.Composition;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Portal;

internal static class PortalRegistration
{
    /// <summary>The operators' portal: sign-in and its throttles, the hand-off queries, replay and resolve, the audit log, the page.</summary>
    public static IServiceCollection AddPortal(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PortalOptions>(configuration, PortalOptions.Section);
        services.AddSingleton<PortalAuth>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<SignInLockout>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<PortalQueries>();
        services.AddSingleton<PortalPage>();
        services.AddTransient<PortalApi>();
        services.AddTransient<MaterialContentApi>();
        return services;
    }

    public static IEndpointRouteBuilder MapPortal(this IEndpointRouteBuilder api)
    {
        api.MapPost(HubRoutes.PortalSession, (HttpRequest r, PortalApi p, CancellationToken ct) => p.SignInAsync(r, ct));
        api.MapDelete(HubRoutes.PortalSession, (HttpRequest r, PortalApi p, CancellationToken ct) => p.SignOutAsync(r, ct));
        api.MapGet(HubRoutes.PortalMe, (HttpRequest r, PortalApi p, CancellationToken ct) => p.MeAsync(r, ct));
        api.MapGet(HubRoutes.PortalDashboard, (HttpRequest r, PortalApi p, CancellationToken ct) => p.DashboardAsync(r, ct));
        api.MapGet(HubRoutes.PortalHandoffs, (HttpRequest r, PortalApi p, CancellationToken ct) => p.SearchAsync(r, ct));
        api.MapPost(HubRoutes.PortalHandoffSearch, (HttpRequest r, PortalApi p, CancellationToken ct) => p.SearchByBodyAsync(r, ct));
        api.MapGet(HubRoutes.PortalHandoff, (HttpRequest r, string id, PortalApi p, CancellationToken ct) => p.DetailAsync(r, id, ct));
        api.MapPost(HubRoutes.PortalReplay, (HttpRequest r, string id, PortalApi p, CancellationToken ct) => p.ReplayAsync(r, id, ct));
        api.MapPost(HubRoutes.PortalResolve, (HttpRequest r, string id, PortalApi p, CancellationToken ct) => p.ResolveAsync(r, id, ct));
        api.MapPost(HubRoutes.PortalReveal, (HttpRequest r, string id, PortalApi p, CancellationToken ct) => p.RevealAsync(r, id, ct));
        api.MapPost(HubRoutes.PortalMaterialContent, (HttpRequest r, string id, string n, MaterialContentApi m, CancellationToken ct) => m.OpenAsync(r, id, n, ct));
        api.MapPost(HubRoutes.PortalBulkReplay, (HttpRequest r, PortalApi p, CancellationToken ct) => p.BulkReplayAsync(r, ct));
        api.MapGet(HubRoutes.PortalUnacknowledged, (HttpRequest r, PortalApi p, CancellationToken ct) => p.UnacknowledgedAsync(r, ct));
        api.MapGet(HubRoutes.PortalAudit, (HttpRequest r, PortalApi p, CancellationToken ct) => p.AuditAsync(r, ct));
        api.MapGet(HubRoutes.PortalPage, (HttpRequest r, string? file, PortalPage p) => p.Get(r, file));
        return api;
    }
}
