using System.ComponentModel.DataAnnotations;

namespace IntegrationHub.Platforms;

/// <summary>The community platforms allowed to call the hub, each with its key and status webhook.</summary>
public sealed class PlatformOptions : IValidatableObject
{
    public const string Section = "Platforms";

    public List<PlatformClient> Clients { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var client in Clients)
        {
            if (string.IsNullOrWhiteSpace(client.Name) || !client.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                yield return new ValidationResult($"Platform name '{client.Name}' must be letters, digits and dashes.", [nameof(Clients)]);
            }

            if (client.ApiKey is not { Length: >= 16 })
            {
                yield return new ValidationResult($"Platform {client.Name} needs an ApiKey of at least 16 characters.", [nameof(Clients)]);
            }

            if (client.WebhookUrl is { } url && (!url.IsAbsoluteUri || client.WebhookSecret is not { Length: >= 16 }))
            {
                yield return new ValidationResult($"Platform {client.Name}: WebhookUrl must be absolute and WebhookSecret at least 16 characters.", [nameof(Clients)]);
            }
        }

        if (Clients.GroupBy(c => c.Name).Any(g => g.Count() > 1))
        {
            yield return new ValidationResult("Platform names must be unique.", [nameof(Clients)]);
        }
    }
}

public sealed class PlatformClient
{
    public string Name { get; set; } = "";

    public string ApiKey { get; set; } = "";

    public Uri? WebhookUrl { get; set; }

    public string? WebhookSecret { get; set; }
}
