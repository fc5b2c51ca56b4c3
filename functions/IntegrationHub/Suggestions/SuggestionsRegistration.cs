using IntegrationHub.Communities;
using IntegrationHub.Composition;
using IntegrationHub.Portal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Suggestions;

public static class SuggestionsRegistration
{
    /// <summary>The residents' suggestion channel: intake with photos, the life of a suggestion, the 24-hour clock, its portal pages.</summary>
    public static IServiceCollection AddSuggestions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SuggestionOptions>(configuration, SuggestionOptions.Section);
        services.AddSingleton<IValidateOptions<PortalOptions>, CommunityAccountsValidator>();
        services.AddSingleton<SuggestionStorage>();
        services.AddSingleton<PhotoKeys>();
        services.AddSingleton<PhotoLinks>();
        services.AddSingleton<SuggestionStore>();
        services.AddSingleton<SuggestionFeed>();
        services.AddSingleton<SuggestionService>();
        services.AddSingleton<SuggestionsApi>();
        services.AddSingleton<SuggestionPortalApi>();
        return services;
    }

    /// <summary>The local host's stand-in for the <c>SuggestionDeadlines</c> timer trigger.</summary>
    public static IServiceCollection AddSuggestionSweep(this IServiceCollection services) =>
        PeriodicJob.Add<SuggestionOptions>(services, "Suggestion deadlines", o => o.SweepInterval,
            (sp, ct) => sp.GetRequiredService<SuggestionService>().RunDeadlinesAsync(ct));
}

/// <summary>Every community worker names a community of the registry, every street supervisor a street of it.</summary>
internal sealed class CommunityAccountsValidator(CommunityRegistry communities) : IValidateOptions<PortalOptions>
{
    public ValidateOptionsResult Validate(string? name, PortalOptions options)
    {
        var faults = new List<string>();
        for (var i = 0; i < options.Accounts.Count; i++)
        {
            var account = options.Accounts[i];
            if (account.Role == PortalRoles.CommunityWorker && account.Community is { Length: > 0 } community && communities.Find(community) is null)
            {
                faults.Add(Settings.Describe($"{PortalOptions.Section}:Accounts:{i}:Community", $"'{community}' is not a community of Catalog/communities.json."));
            }

            if (account.Role == PortalRoles.StreetSupervisor && account.Street is { Length: > 0 } street && !communities.OfStreet(street).Any())
            {
                faults.Add(Settings.Describe($"{PortalOptions.Section}:Accounts:{i}:Street", $"'{street}' is the street of no community in Catalog/communities.json."));
            }
        }

        return faults.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(faults);
    }
}
