using IntegrationHub.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.PublicSecurity;

internal static class PublicSecurityRegistration
{
    /// <summary>The 公安 adapter (also as <see cref="IDepartmentAdapter"/>) and its notification handler.</summary>
    public static IServiceCollection AddPublicSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDepartmentOptions<PublicSecurityOptions>(configuration, PublicSecurityOptions.Section, PublicSecurityTranslator.Department);
        services.AddSingleton(sp => new PublicSecuritySigner(
            sp.GetRequiredService<IOptions<PublicSecurityOptions>>().Value.SigningKeyBytes(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddDepartmentClient<PublicSecurityClient, PublicSecurityOptions, PublicSecuritySigningHandler>(
            PublicSecurityTranslator.Department,
            static body => PublicSecurityTranslator.CodeOf(body),
            static async (response, cancellationToken) => response.IsSuccessStatusCode
                && PublicSecurityTranslator.IsBusy(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)));
        services.AddTransient<IDepartmentAdapter>(sp => sp.GetRequiredService<PublicSecurityClient>());
        services.AddDepartmentCaseRequests<PublicSecurityClient>(PublicSecurityTranslator.Department);
        services.AddSingleton<IDepartmentPersonalData, PublicSecurityPersonalData>();

        services.AddDepartmentInbound(sp => new PublicSecurityNotifications(
            sp.GetRequiredService<IOptions<PublicSecurityOptions>>().Value, sp.GetRequiredService<PublicSecuritySigner>()));
        return services;
    }

    /// <summary>The bureau's notifications, answered through the kit.</summary>
    public static IEndpointRouteBuilder MapPublicSecurity(this IEndpointRouteBuilder api)
    {
        api.MapDepartmentInbound<PublicSecurityNotifications, FileContentHttpResult>(HubRoutes.PublicSecurityNotifications);
        return api;
    }
}
