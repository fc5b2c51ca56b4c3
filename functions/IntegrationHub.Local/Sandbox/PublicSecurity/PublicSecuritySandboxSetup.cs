using System.Security.Cryptography;
using IntegrationHub.Http;

namespace IntegrationHub.Local.Sandbox;

/// <summary>The local run's 公安 sandbox: fresh random credentials, joint-testing timing, notifications to the hub.</summary>
internal sealed class PublicSecuritySandboxSetup : ISandboxSetup
{
    private const string Section = "Departments:PublicSecurity";

    public string Department => "公安";

    SandboxDepartment? ISandboxSetup.Start(WebApplicationBuilder builder) => Start(builder);

    public static PublicSecuritySandbox? Start(WebApplicationBuilder builder)
    {
        if (!SandboxSettings.Wanted(builder.Configuration, Section, "AccessUnitCode", "SigningKey", "BureauCode"))
        {
            return null;
        }

        const string accessUnit = "320300SQPT01";
        var key = RandomNumberGenerator.GetBytes(32);
        var sandbox = new PublicSecuritySandbox(accessUnit, key, notifyUrl: null, TimeProvider.System) { RequireMaterials = true };

        // Joint-testing timing (联调环境): decisions seconds apart, notification re-sends in seconds.
        sandbox.AutoDecide(TimeSpan.FromSeconds(2), retryUnit: TimeSpan.FromSeconds(1));
        SandboxSettings.Add(builder, Section, new()
        {
            ["BaseUrl"] = sandbox.BaseUrl.ToString(),
            ["AccessUnitCode"] = accessUnit,
            ["SigningKey"] = Convert.ToBase64String(key),
        });
        return sandbox;
    }

    public void Connect(SandboxDepartment sandbox, string hub) =>
        ((PublicSecuritySandbox)sandbox).NotifyUrl = new Uri($"{hub}/{HubRoutes.Prefix}/{HubRoutes.PublicSecurityNotifications}");
}
