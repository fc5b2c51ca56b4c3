using System.Security.Cryptography;
using IntegrationHub.Http;

namespace IntegrationHub.Local.Sandbox;

/// <summary>
/// For a local run without Departments:Housing:BaseUrl, starts the 房管 sandbox with fresh random credentials and points
/// the hub at it, so the whole flow runs on a fresh machine. Configure a real test environment and it stays off.
/// </summary>
internal static class HousingSandboxSetup
{
    private const string Housing = "Departments:Housing";

    public static HousingSandbox? AddSandboxHousing(this WebApplicationBuilder builder)
    {
        if (!SandboxSettings.Wanted(builder.Configuration, Housing, "ClientId", "ClientSecret", "WebhookSecret"))
        {
            return null;
        }

        const string clientId = "320300SQPT01";
        var clientSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var webhookSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var sandbox = new HousingSandbox(clientId, clientSecret, webhookSecret, TimeProvider.System);

        // Joint-testing timing (联调环境): decisions seconds apart, webhook retries in seconds.
        sandbox.AutoDecide(TimeSpan.FromSeconds(2), retryUnit: TimeSpan.FromSeconds(1));
        SandboxSettings.Add(
            builder,
            Housing,
            new()
            {
                ["BaseUrl"] = sandbox.BaseUrl.ToString(),
                ["ClientId"] = clientId,
                ["ClientSecret"] = clientSecret,
                ["WebhookSecret"] = webhookSecret,
            },
            defaults: new()
            {
                // The sandbox always sends its webhooks; a short interval lets a local run see reconciliation too.
                ["ReconcileAfter"] = "00:00:30",
            });
        return sandbox;
    }

    /// <summary>Registers the hub's webhook URL with the sandbox once the port is known, and stops it with the hub.</summary>
    public static void UseSandboxHousing(this WebApplication app, HousingSandbox? sandbox)
    {
        if (sandbox is null)
        {
            return;
        }

        app.Lifetime.ApplicationStarted.Register(() =>
            sandbox.WebhookUrl = new Uri($"{app.Urls.First()}/{HubRoutes.Prefix}/{HubRoutes.HousingWebhooks}"));
        app.Lifetime.ApplicationStopped.Register(() => sandbox.DisposeAsync().AsTask().GetAwaiter().GetResult());
        app.Logger.LogInformation("Sandbox 房管 listening on {BaseUrl}", sandbox.BaseUrl);
    }
}
