using System.Security.Cryptography;

namespace IntegrationHub.Local.Sandbox;

/// <summary>
/// When Departments:SocialSecurity:BaseUrl is not configured, the local run starts the 人社 gateway sandbox and points
/// the hub at it, with joint-testing timing (联调环境): decisions seconds after intake, a per-case query interval of
/// two seconds. The maintenance window stays 23:00–01:00 by the real clock, as in production. Configure a real test
/// environment and the sandbox stays off.
/// </summary>
internal static class SocialSecuritySandboxSetup
{
    private const string Section = "Departments:SocialSecurity";

    public static SocialSecuritySandbox? AddSandboxSocialSecurity(this WebApplicationBuilder builder)
    {
        if (!SandboxSettings.Wanted(builder.Configuration, Section, "OrgCode", "SigningKey"))
        {
            return null;
        }

        // Fresh credentials per run: nothing that works against the sandbox is worth keeping.
        var orgCode = $"320300SQPT{RandomNumberGenerator.GetHexString(6)}";
        var key = RandomNumberGenerator.GetHexString(32);
        var sandbox = new SocialSecuritySandbox(orgCode, key, TimeProvider.System, new SocialSecuritySandboxSettings
        {
            DecisionDelay = TimeSpan.FromSeconds(5),
            MinQueryInterval = TimeSpan.FromSeconds(2),
        });
        SandboxSettings.Add(
            builder,
            Section,
            new()
            {
                ["BaseUrl"] = sandbox.BaseUrl.ToString(),
                ["OrgCode"] = orgCode,
                ["SigningKey"] = key,
            },
            defaults: new()
            {
                ["PollInterval"] = "00:00:03",
                ["MinQueryInterval"] = "00:00:02",
            });
        return sandbox;
    }

    /// <summary>Stops the sandbox with the hub.</summary>
    public static void UseSandboxSocialSecurity(this WebApplication app, SocialSecuritySandbox? sandbox)
    {
        if (sandbox is null)
        {
            return;
        }

        app.Lifetime.ApplicationStopped.Register(() => sandbox.DisposeAsync().AsTask().GetAwaiter().GetResult());
        app.Logger.LogInformation("Sandbox 人社 gateway listening on {BaseUrl}", sandbox.BaseUrl);
    }
}
