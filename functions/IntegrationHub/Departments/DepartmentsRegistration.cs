using IntegrationHub.Departments.Housing;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Departments.SocialSecurity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Departments;

/// <summary>
/// The departments the hub talks to: one line each, to the registration in the department's own folder. Adding a
/// department is its folder (adapter, and its inbound route through <see cref="DepartmentInbound"/> if it calls the hub)
/// and a line here, plus its Functions trigger if it has an inbound route.
/// </summary>
internal static class DepartmentsRegistration
{
    public static IServiceCollection AddDepartments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPublicSecurity(configuration);
        services.AddSocialSecurity(configuration);
        services.AddHousing(configuration);
        return services;
    }

    /// <summary>The departments' inbound routes. 人社 has none: its gateway makes no callbacks, decisions are polled.</summary>
    public static IEndpointRouteBuilder MapDepartments(this IEndpointRouteBuilder api)
    {
        api.MapPublicSecurity();
        api.MapHousing();
        return api;
    }
}
