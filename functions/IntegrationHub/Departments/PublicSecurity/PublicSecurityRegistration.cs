using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.PublicSecurity;

public static class PublicSecurityRegistration
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
        services.AddSingleton<IDepartmentPersonalData, PublicSecurityPersonalData>();

        // Scoped: the status sink it hands reports to may be scoped.
        services.AddScoped(sp => new PublicSecurityNotifications(
            sp.GetRequiredService<IOptions<PublicSecurityOptions>>(),
            sp.GetRequiredService<PublicSecuritySigner>(),
            sp.GetRequiredService<IDepartmentStatusSink>(),
            sp.GetRequiredService<ILogger<PublicSecurityNotifications>>()));
        return services;
    }
}
