using System.ComponentModel.DataAnnotations;

namespace IntegrationHub.Platforms;

/// <summary>The community platforms allowed to call the hub, each with its key and status webhook.</summary>
internal sealed class PlatformOptions : IValidatableObject
{
    public const string Section = "Platforms";

    public List<PlatformClient> Clients { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Clients.Count == 0)
        {
            yield return new ValidationResult("needs at least one platform (Name and ApiKey): without one nobody can call the API.", [nameof(Clients)]);
        }

        for (var i = 0; i < Clients.Count; i++)
        {
            var client = Clients[i];
            var at = $"{nameof(Clients)}.{i}.";
            if (string.IsNullOrWhiteSpace(client.Name) || client.Name.Length > 64 || !client.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                yield return new ValidationResult("must be 1-64 ASCII letters, digits and dashes.", [at + nameof(PlatformClient.Name)]);
            }

            // Never echo a key or secret: this message reaches the startup log.
            if (client.ApiKey is not { Length: >= 16 })
            {
                yield return new ValidationResult("must be at least 16 characters.", [at + nameof(PlatformClient.ApiKey)]);
            }

            if (client.WebhookUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
            {
                yield return new ValidationResult("must be an absolute http or https URI.", [at + nameof(PlatformClient.WebhookUrl)]);
            }

            if (client.WebhookUrl is not null && client.WebhookSecret is not { Length: >= 16 })
            {
                yield return new ValidationResult("must be at least 16 characters when WebhookUrl is set (it signs every webhook).", [at + nameof(PlatformClient.WebhookSecret)]);
            }

            if (client.WebhookUrl is null && !string.IsNullOrEmpty(client.WebhookSecret))
            {
                yield return new ValidationResult("is set without WebhookUrl, so nothing would use it: set WebhookUrl too or remove it.", [at + nameof(PlatformClient.WebhookSecret)]);
            }
        }

        foreach (var name in Clients.GroupBy(c => c.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            yield return new ValidationResult($"names '{name}' more than once: platform names must be unique.", [nameof(Clients)]);
        }

        // Two platforms with one key could not be told apart: the first would receive the other's applications.
        if (Clients.Where(c => c.ApiKey.Length > 0).GroupBy(c => c.ApiKey, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            yield return new ValidationResult("gives two platforms the same ApiKey: each platform needs its own.", [nameof(Clients)]);
        }
    }
}

internal sealed class PlatformClient
{
    public string Name { get; set; } = "";

    public string ApiKey { get; set; } = "";

    public Uri? WebhookUrl { get; set; }

    public string? WebhookSecret { get; set; }
}
