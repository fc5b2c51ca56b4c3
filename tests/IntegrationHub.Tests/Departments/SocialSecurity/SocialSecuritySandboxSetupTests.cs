using IntegrationHub.Departments.SocialSecurity;
using IntegrationHub.Local.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

public sealed class SocialSecuritySandboxSetupTests
{
    [Fact]
    public async Task SocialSecuritySandboxSetup_NoBaseUrl_StartsSandboxWithJointTestingTiming()
    {
        var builder = WebApplication.CreateBuilder();

        await using var sandbox = SocialSecuritySandboxSetup.Start(builder);

        Assert.NotNull(sandbox);
        builder.Services.AddSocialSecurity(builder.Configuration);
        await using var services = builder.Services.BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<SocialSecurityOptions>>().Value;
        Assert.Equal(sandbox.BaseUrl, options.BaseUrl);
        Assert.Matches("^320300SQPT[0-9A-F]{6}$", options.OrgCode);
        Assert.Equal(32, options.SigningKey.Length);
        Assert.Equal(TimeSpan.FromSeconds(3), options.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MinQueryInterval);
        Assert.Equal(new TimeOnly(23, 0), options.MaintenanceStart);
        Assert.Equal(new TimeOnly(1, 0), options.MaintenanceEnd);
    }

    [Fact]
    public void SocialSecuritySandboxSetup_BaseUrlConfigured_NoSandbox()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Departments:SocialSecurity:BaseUrl"] = "https://si.example/" });

        Assert.Null(SocialSecuritySandboxSetup.Start(builder));
        Assert.Equal("https://si.example/", builder.Configuration["Departments:SocialSecurity:BaseUrl"]);
    }
}
