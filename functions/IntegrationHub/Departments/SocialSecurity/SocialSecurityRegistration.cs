using IntegrationHub.Departments.SharedState;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.SocialSecurity;

internal static class SocialSecurityRegistration
{
    /// <summary>The 人社 adapter, as <see cref="IDepartmentAdapter"/> (delivery) and <see cref="IDepartmentStatusQuery"/> (RS9001 polling).</summary>
    public static IServiceCollection AddSocialSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDepartmentOptions<SocialSecurityOptions>(configuration, SocialSecurityOptions.Section, SocialSecurityTranslator.Department);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SocialSecurityOptions>>().Value;
            return new SocialSecuritySigner(options.SigningKeyBytes(), options.OrgCode, sp.GetRequiredService<TimeProvider>());
        });

        // The per-case query interval and the call rate hold across the instances (Departments/SharedState).
        services.AddSharedDepartmentState(configuration);
        services.AddDepartmentRate(SocialSecurityTranslator.Department, documentLimit: 20, sp => sp.GetRequiredService<IOptions<SocialSecurityOptions>>().Value.CallsPerSecond);
        services.AddDepartmentClient<SocialSecurityClient, SocialSecurityOptions, SocialSecuritySigningHandler>(
            SocialSecurityTranslator.Department,
            static body => SocialSecurityTranslator.RetCodeOf(body),
            static async (response, cancellationToken) => response.IsSuccessStatusCode
                && IsHandoff(response.RequestMessage)
                && SocialSecurityTranslator.IsBusy(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)));
        services.AddTransient<IDepartmentAdapter>(sp => sp.GetRequiredService<SocialSecurityClient>());
        services.AddDepartmentCaseRequests<SocialSecurityClient>(SocialSecurityTranslator.Department);
        services.AddSingleton<IDepartmentPersonalData, SocialSecurityPersonalData>();
        services.AddTransient<IDepartmentStatusQuery>(sp => sp.GetRequiredService<SocialSecurityClient>());

        // No inbound route (no MapSocialSecurity): the gateway makes no callbacks, decisions are polled (RS9001).
        return services;
    }

    // The adapter paces itself hub-wide to CallsPerSecond (Departments/SharedState); a 9001 that still comes is retried with
    // backoff, and the breaker stops the calls if it persists.
    // A busy delivery is retried at once with the same trans_id. A busy RS9001 is not: its 9001 may mean "asked too
    // soon", which a retry seconds later only repeats (and counts against the breaker); the hub asks again later.
    private static bool IsHandoff(HttpRequestMessage? request) =>
        request is not null
        && request.Options.TryGetValue(SocialSecuritySigningHandler.RequestKey, out var gatewayRequest)
        && gatewayRequest.TradeCode != SocialSecurityTranslator.QueryTrade;
}
