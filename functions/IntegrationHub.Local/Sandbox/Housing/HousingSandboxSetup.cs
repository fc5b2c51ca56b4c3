using System.Security.Cryptography;
using IntegrationHub.Http;

namespace IntegrationHub.Local.Sandbox;

/// <summary>The local run's 房管 sandbox: fresh random credentials, joint-testing timing, webhooks to the hub.</summary>
internal sealed class HousingSandboxSetup : ISandboxSetup
{
    private const string Section = "Departments:Housing";

    public string Department => "房管";

    SandboxDepartment? ISandboxSetup.Start(WebApplicationBuilder builder) => Start(builder);

    public static HousingSandbox? Start(WebApplicationBuilder builder)
    {
        if (!SandboxSettings.Wanted(builder.Configuration, Section, "ClientId", "ClientSecret", "WebhookSecret"))
        {
            return null;
        }

        const string clientId = "320300SQPT01";
        var clientSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var webhookSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var sandbox = new HousingSandbox(clientId, clientSecret, webhookSecret, TimeProvider.System) { RequireMaterials = true };

        // Joint-testing timing (联调环境): decisions seconds apart, webhook retries in seconds.
        sandbox.AutoDecide(TimeSpan.FromSeconds(2), retryUnit: TimeSpan.FromSeconds(1));
        SandboxSettings.Add(
            builder,
            Section,
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

    public void Connect(SandboxDepartment sandbox, string hub) =>
        ((HousingSandbox)sandbox).WebhookUrl = new Uri($"{hub}/{HubRoutes.Prefix}/{HubRoutes.HousingWebhooks}");
}
