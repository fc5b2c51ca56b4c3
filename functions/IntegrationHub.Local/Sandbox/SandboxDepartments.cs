using System.Security.Cryptography;
using IntegrationHub.Http;

namespace IntegrationHub.Local.Sandbox;

/// <summary>
/// For a department whose base URL is not configured, the local run starts its sandbox (a WireMock.Net
/// server that follows the department's document) and points the hub at it, so the whole flow runs on a
/// fresh machine. Configure a real test environment and the sandbox stays off.
/// </summary>
internal static class SandboxDepartments
{
    private const string PublicSecurity = "Departments:PublicSecurity";

    public static PublicSecuritySandbox? AddSandboxPublicSecurity(this WebApplicationBuilder builder)
    {
        if (!SandboxSettings.Wanted(builder.Configuration, PublicSecurity, "AccessUnitCode", "SigningKey", "BureauCode"))
        {
            return null;
        }

        const string accessUnit = "320300SQPT01";
        var key = RandomNumberGenerator.GetBytes(32);
        var sandbox = new PublicSecuritySandbox(accessUnit, key, notifyUrl: null, TimeProvider.System);

        // Joint-testing timing (联调环境): decisions seconds apart, notification re-sends in seconds.
        sandbox.AutoDecide(TimeSpan.FromSeconds(2), retryUnit: TimeSpan.FromSeconds(1));
        SandboxSettings.Add(builder, PublicSecurity, new()
        {
            ["BaseUrl"] = sandbox.BaseUrl.ToString(),
            ["AccessUnitCode"] = accessUnit,
            ["SigningKey"] = Convert.ToBase64String(key),
        });
        return sandbox;
    }

    /// <summary>Registers the hub's notification URL with the sandbox once the port is known, and stops it with the hub.</summary>
    public static void UseSandbox(this WebApplication app, PublicSecuritySandbox? sandbox)
    {
        if (sandbox is null)
        {
            return;
        }

        app.Lifetime.ApplicationStarted.Register(() =>
            sandbox.NotifyUrl = new Uri($"{app.Urls.First()}/{HubRoutes.Prefix}/{HubRoutes.PublicSecurityNotifications}"));
        app.Lifetime.ApplicationStopped.Register(() => sandbox.DisposeAsync().AsTask().GetAwaiter().GetResult());
        app.Logger.LogInformation("Sandbox 公安 listening on {BaseUrl}", sandbox.BaseUrl);
    }
}
