using IntegrationHub.Departments.SharedState;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.Housing;

internal static class HousingRegistration
{
    /// <summary>
    /// The 房管 adapter (also as <see cref="IDepartmentAdapter"/> and <see cref="IDepartmentStatusQuery"/>), its token
    /// cache and its webhook handler.
    /// </summary>
    public static IServiceCollection AddHousing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDepartmentOptions<HousingOptions>(configuration, HousingOptions.Section, HousingTranslator.Department);

        // The token endpoint has no retry pipeline of its own: every request counts against the bureau's 10 a minute,
        // so a failed one becomes a transient outcome and the dispatcher's backoff decides when to ask again.
        services.AddHttpClient(HousingTokenCache.HttpClientName, (sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<HousingOptions>>().Value;
            http.BaseAddress = options.BaseAddress();
            http.Timeout = options.Resilience.AttemptTimeout;
        }).AddDepartmentCalls(HousingTranslator.Department, static body => HousingTranslator.ErrorCode(body));
        services.AddSharedDepartmentState(configuration);
        services.AddDepartmentRate(HousingTranslator.Department, documentLimit: 20, sp => sp.GetRequiredService<IOptions<HousingOptions>>().Value.CallsPerSecond);
        services.AddSingleton<HousingTokenCache>();

        // The token handler sits inside the resilience handler: each attempt carries the current token.
        services.AddDepartmentClient<HousingClient, HousingOptions, HousingAuthHandler>(
            HousingTranslator.Department, static body => HousingTranslator.CodeOf(body));
        services.AddTransient<IDepartmentAdapter>(sp => sp.GetRequiredService<HousingClient>());
        services.AddDepartmentCaseRequests<HousingClient>(HousingTranslator.Department);
        services.AddSingleton<IDepartmentPersonalData, HousingPersonalData>();
        services.AddTransient<IDepartmentStatusQuery>(sp => sp.GetRequiredService<HousingClient>());

        services.AddDepartmentInbound(sp => new HousingWebhooks(sp.GetRequiredService<IOptions<HousingOptions>>().Value));
        return services;
    }

    /// <summary>The bureau's webhooks, answered through the kit.</summary>
    public static IEndpointRouteBuilder MapHousing(this IEndpointRouteBuilder api)
    {
        api.MapDepartmentInbound<HousingWebhooks, Ok>(HubRoutes.HousingWebhooks);
        return api;
    }
}
