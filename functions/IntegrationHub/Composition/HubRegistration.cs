using IntegrationHub.Applications;
using IntegrationHub.Appointments;
using IntegrationHub.Catalog;
using IntegrationHub.Communities;
using IntegrationHub.Departments;
using IntegrationHub.Events;
using IntegrationHub.Handoff;
using IntegrationHub.Health;
using IntegrationHub.Http;
using IntegrationHub.Materials;
using IntegrationHub.Platforms;
using IntegrationHub.Portal;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using IntegrationHub.Suggestions;
using IntegrationHub.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Composition;

/// <summary>
/// What both hosts register and map: one line per capability, each defined beside the code it registers. The hosts add
/// only what is theirs (the Functions app its triggers, the local host its workers, Kestrel and the sandboxes).
/// </summary>
internal static class HubRegistration
{
    public static IServiceCollection AddHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddHubHttp();
        services.AddHubStorage(configuration);
        services.AddCatalog();
        services.AddPlatforms(configuration);
        services.AddApplications(configuration);
        services.AddPrivacy(configuration);
        services.AddHandoff(configuration);
        services.AddPlatformEvents(configuration);
        services.AddDepartments(configuration);
        services.AddPortal(configuration);
        services.AddHubMetrics(configuration);
        services.AddHealth();
        services.AddCommunities();
        services.AddSuggestions(configuration);
        services.AddAppointments(configuration);
        services.AddMaterials();
        return services;
    }

    /// <summary>The local host's route table; the Functions app declares the same routes as triggers (Hosts/TriggerParityTests).</summary>
    public static RouteGroupBuilder MapHubApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/" + HubRoutes.Prefix);
        api.MapCatalog();
        api.MapApplications();
        api.MapMaterials();
        api.MapPlatformEvents();
        api.MapDepartments();
        api.MapPortal();
        api.MapCommunities();
        api.MapSuggestions();
        api.MapAppointments();
        api.MapHealth();
        api.MapApiDocs();
        return api;
    }
}
