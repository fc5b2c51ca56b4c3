using System.Globalization;
using IntegrationHub.Composition;
using IntegrationHub.Platforms;
using IntegrationHub.Portal;

namespace IntegrationHub.Local;

/// <summary>
/// The local host's own variables (HUB_*), read before the host exists: each bad value, or one that would be
/// ignored because the setting it stands in for is configured, stops the start with a message naming it.
/// </summary>
internal sealed record LocalSettings(
    int Port,
    string? PlatformKey,
    Uri? PlatformWebhookUrl,
    string? PlatformWebhookSecret,
    string? OperatorPassword,
    string? ViewerPassword,
    string StateDirectory,
    string? CommunityPassword = null)
{
    public const string PortKey = "HUB_PORT";
    public const string PlatformKeyKey = "HUB_PLATFORM_KEY";
    public const string WebhookUrlKey = "HUB_PLATFORM_WEBHOOK_URL";
    public const string WebhookSecretKey = "HUB_PLATFORM_WEBHOOK_SECRET";
    public const string OperatorPasswordKey = "HUB_OPERATOR_PASSWORD";
    public const string ViewerPasswordKey = "HUB_VIEWER_PASSWORD";

    /// <summary>The local community worker's and street supervisor's password (issue 12).</summary>
    public const string CommunityPasswordKey = "HUB_COMMUNITY_PASSWORD";
    public const string StateDirectoryKey = "HUB_STATE_DIR";

    public static LocalSettings Read(IConfiguration configuration)
    {
        var failures = new List<string>();
        void Refuse(string key, string rule) => failures.Add(Settings.Describe(key, rule));
        string? Given(string key) => string.IsNullOrEmpty(configuration[key]) ? null : configuration[key];

        var port = LocalHub.DefaultPort;
        if (Given(PortKey) is { } portText
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535))
        {
            Refuse(PortKey, "must be a TCP port number from 0 to 65535 (0 picks a free port).");
        }

        var platformsConfigured = configuration.GetSection($"{PlatformOptions.Section}:Clients").GetChildren().Any();
        foreach (var key in new[] { PlatformKeyKey, WebhookUrlKey, WebhookSecretKey })
        {
            if (platformsConfigured && Given(key) is not null)
            {
                Refuse(key, "is ignored because Platforms:Clients is configured: remove one of the two.");
            }
        }

        // Shorter keys used to be replaced by a random one in silence; the caller then held a key that never worked.
        var platformKey = Given(PlatformKeyKey);
        if (platformKey is { Length: < 16 })
        {
            Refuse(PlatformKeyKey, "must be at least 16 characters (it is the local platform's X-Api-Key).");
        }

        Uri? webhookUrl = null;
        if (Given(WebhookUrlKey) is { } urlText
            && (!Uri.TryCreate(urlText, UriKind.Absolute, out webhookUrl) || (webhookUrl.Scheme != Uri.UriSchemeHttp && webhookUrl.Scheme != Uri.UriSchemeHttps)))
        {
            Refuse(WebhookUrlKey, "must be an absolute http or https URL.");
        }

        var webhookSecret = Given(WebhookSecretKey);
        if (Given(WebhookUrlKey) is not null && webhookSecret is not { Length: >= 16 })
        {
            Refuse(WebhookSecretKey, $"must be at least 16 characters when {WebhookUrlKey} is set (it signs every webhook).");
        }
        else if (Given(WebhookUrlKey) is null && webhookSecret is not null)
        {
            Refuse(WebhookSecretKey, $"is set without {WebhookUrlKey}, so nothing would use it.");
        }

        var accountsConfigured = configuration.GetSection($"{PortalOptions.Section}:Accounts").GetChildren().Any();
        foreach (var key in new[] { OperatorPasswordKey, ViewerPasswordKey, CommunityPasswordKey })
        {
            if (Given(key) is not { } password)
            {
                continue;
            }

            if (accountsConfigured)
            {
                Refuse(key, "is ignored because Portal:Accounts is configured: remove one of the two.");
            }
            else if (password.Length < 8)
            {
                Refuse(key, "must be at least 8 characters.");
            }
        }

        Settings.ThrowIfAny("HUB_*", failures);
        return new LocalSettings(
            port,
            platformKey,
            webhookUrl,
            webhookSecret,
            Given(OperatorPasswordKey),
            Given(ViewerPasswordKey),
            Given(StateDirectoryKey) ?? Path.Combine(Environment.CurrentDirectory, ".hub"),
            Given(CommunityPasswordKey));
    }
}
