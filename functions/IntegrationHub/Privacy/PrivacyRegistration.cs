using IntegrationHub.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Privacy;

internal static class PrivacyRegistration
{
    /// <summary>The key ring and envelope encryption of personal data at rest, its retention, and the form's personal fields.</summary>
    public static IServiceCollection AddPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EncryptionOptions>().Bind(configuration.GetSection(EncryptionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddValidatedOptions<RetentionOptions>(configuration, RetentionOptions.Section);
        services.AddSingleton<EnvelopeCipher>();
        services.AddSingleton<PersonalData>();
        services.AddSingleton<FormPersonalData>();
        services.AddSingleton<PersonalDataRetention>();
        return services;
    }
}
