using IntegrationHub.Health;
using IntegrationHub.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.PublicSecurity;

public static class PublicSecurityRegistration
{
    /// <summary>The 公安 adapter (also as <see cref="IDepartmentAdapter"/>) and its notification handler.</summary>
    public static IServiceCollection AddPublicSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PublicSecurityOptions>(configuration, PublicSecurityOptions.Section);
        services.AddDepartmentHealthCheck(PublicSecurityTranslator.Department, sp => sp.GetRequiredService<IOptions<PublicSecurityOptions>>().Value.BaseUrl);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new PublicSecuritySigner(
            sp.GetRequiredService<IOptions<PublicSecurityOptions>>().Value.SigningKeyBytes(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddTransient<PublicSecuritySigningHandler>();

        var client = services.AddHttpClient<PublicSecurityClient>((sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<IOptions<PublicSecurityOptions>>().Value.BaseAddress();

            // The resilience pipeline owns every timeout; HttpClient's own 100 s would cut across it.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        client.AddDepartmentResilienceHandler(
            "ga",
            sp => sp.GetRequiredService<IOptions<PublicSecurityOptions>>().Value.Resilience,
            static async (response, cancellationToken) => response.IsSuccessStatusCode
                && PublicSecurityTranslator.IsBusy(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)));

        // Added after the resilience handler, so it sits inside it and signs every attempt afresh.
        client.AddHttpMessageHandler<PublicSecuritySigningHandler>();
        client.AddDepartmentCalls(PublicSecurityTranslator.Department, static body => PublicSecurityTranslator.CodeOf(body));
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
