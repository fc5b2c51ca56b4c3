using IntegrationHub.Composition;
using IntegrationHub.Departments;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Applications;

internal static class ApplicationsRegistration
{
    /// <summary>Intake (validation, ID hashing), the status path every status step goes through, and the platforms' reads.</summary>
    public static IServiceCollection AddApplications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<IdHashOptions>(configuration, IdHashOptions.Section);
        services.AddSingleton<IdHasher>();
        services.AddSingleton<ApplicationValidator>();
        services.AddSingleton<ApplicationsApi>();
        services.AddSingleton<ApplicationMaterials>();
        services.AddTransient<CaseRequestsApi>();
        // Transient, like everything that holds department adapters (typed HttpClients whose handlers rotate).
        services.AddTransient<StatusPath>();
        services.AddTransient<IDepartmentStatusSink>(sp => sp.GetRequiredService<StatusPath>());
        return services;
    }

    public static IEndpointRouteBuilder MapApplications(this IEndpointRouteBuilder api)
    {
        api.MapPost(HubRoutes.Applications, (HttpRequest r, ApplicationsApi a, CancellationToken ct) => a.SubmitAsync(r, ct));
        api.MapGet(HubRoutes.Application, (HttpRequest r, string id, ApplicationsApi a, CancellationToken ct) => a.GetAsync(r, id, ct));
        api.MapPost(HubRoutes.ApplicationSupplements, (HttpRequest r, string id, CaseRequestsApi a, CancellationToken ct) => a.SupplementAsync(r, id, ct));
        api.MapPost(HubRoutes.ApplicationWithdrawal, (HttpRequest r, string id, CaseRequestsApi a, CancellationToken ct) => a.WithdrawAsync(r, id, ct));
        return api;
    }
}
