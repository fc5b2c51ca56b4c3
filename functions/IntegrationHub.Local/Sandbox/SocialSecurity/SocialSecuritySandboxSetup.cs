using System.Security.Cryptography;

namespace IntegrationHub.Local.Sandbox;

/// <summary>
/// The local run's 人社 gateway sandbox, with joint-testing timing (联调环境): decisions seconds after intake, a per-case
/// query interval of two seconds. The maintenance window stays 23:00–01:00 by the real clock, as in production.
/// </summary>
internal sealed class SocialSecuritySandboxSetup : ISandboxSetup
{
    private const string Section = "Departments:SocialSecurity";

    public string Department => "人社";

    SandboxDepartment? ISandboxSetup.Start(WebApplicationBuilder builder) => Start(builder);

    public static SocialSecuritySandbox? Start(WebApplicationBuilder builder)
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
        })
        {
            RequireMaterials = true,
        };
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
}
