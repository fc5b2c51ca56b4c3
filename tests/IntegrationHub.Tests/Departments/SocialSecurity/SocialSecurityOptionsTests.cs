using IntegrationHub.Departments;
using IntegrationHub.Departments.SocialSecurity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

public sealed class SocialSecurityOptionsTests
{
    [Fact]
    public void AddSocialSecurity_ValidConfiguration_BindsWithProductionDefaults()
    {
        var options = Resolve(new Dictionary<string, string?>());

        Assert.Equal(new Uri("http://127.0.0.1:9/rs"), options.BaseUrl);
        Assert.Equal(new Uri("http://127.0.0.1:9/rs/"), options.BaseAddress());
        Assert.Equal(RsTestData.OrgCode, options.OrgCode);
        Assert.Equal("rs-joint-test-key-2026"u8.ToArray(), options.SigningKeyBytes());
        Assert.Equal(TimeSpan.FromMinutes(5), options.PollInterval);
        Assert.Equal(TimeSpan.FromMinutes(5), options.MinQueryInterval);
        Assert.Equal(new TimeOnly(23, 0), options.MaintenanceStart);
        Assert.Equal(new TimeOnly(1, 0), options.MaintenanceEnd);
        Assert.Equal(3, options.Resilience.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMinutes(1), options.UnexplainedMaintenanceHold);
        Assert.Equal(TimeSpan.FromMinutes(30), options.UnexplainedMaintenanceMaxHold);
    }

    [Fact]
    public void AddSocialSecurity_JointTestingTiming_Binds()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            ["Departments:SocialSecurity:PollInterval"] = "00:00:03",
            ["Departments:SocialSecurity:MinQueryInterval"] = "00:00:02",
            ["Departments:SocialSecurity:MaintenanceStart"] = "12:00",
            ["Departments:SocialSecurity:MaintenanceEnd"] = "12:10:00",
            ["Departments:SocialSecurity:SigningKey"] = "密钥-2026",
        });

        Assert.Equal(TimeSpan.FromSeconds(3), options.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MinQueryInterval);
        Assert.Equal(new TimeOnly(12, 0), options.MaintenanceStart);
        Assert.Equal(new TimeOnly(12, 10), options.MaintenanceEnd);
        Assert.Equal("密钥-2026"u8.ToArray(), options.SigningKeyBytes());
    }

    [Theory]
    [InlineData("Departments:SocialSecurity:BaseUrl", null, "BaseUrl")]
    [InlineData("Departments:SocialSecurity:BaseUrl", "/si", "BaseUrl")]
    [InlineData("Departments:SocialSecurity:BaseUrl", "ftp://127.0.0.1/", "BaseUrl")]
    [InlineData("Departments:SocialSecurity:OrgCode", "", "OrgCode")]
    [InlineData("Departments:SocialSecurity:OrgCode", "320300-SQPT", "OrgCode")]
    [InlineData("Departments:SocialSecurity:SigningKey", "", "SigningKey")]
    [InlineData("Departments:SocialSecurity:SigningKey", "   ", "SigningKey")]
    [InlineData("Departments:SocialSecurity:PollInterval", "00:01:00", "PollInterval")]
    [InlineData("Departments:SocialSecurity:MinQueryInterval", "00:00:00", "MinQueryInterval")]
    [InlineData("Departments:SocialSecurity:Resilience:TotalTimeout", "00:00:05", "TotalTimeout")]
    [InlineData("Departments:SocialSecurity:Resilience:MinimumThroughput", "1", "MinimumThroughput")]
    [InlineData("Departments:SocialSecurity:UnexplainedMaintenanceHold", "00:00:00", "UnexplainedMaintenanceHold")]
    [InlineData("Departments:SocialSecurity:UnexplainedMaintenanceMaxHold", "00:00:30", "UnexplainedMaintenanceMaxHold")]
    [InlineData("Departments:SocialSecurity:UnexplainedMaintenanceMaxHold", "2.00:00:00", "UnexplainedMaintenanceMaxHold")]
    public void AddSocialSecurity_BadSetting_FailsNamingIt(string key, string? value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RsTestData.SigningKey, error.Message, StringComparison.Ordinal);
    }

    private static SocialSecurityOptions Resolve(Dictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Departments:SocialSecurity:BaseUrl"] = "http://127.0.0.1:9/rs",
            ["Departments:SocialSecurity:OrgCode"] = RsTestData.OrgCode,
            ["Departments:SocialSecurity:SigningKey"] = RsTestData.SigningKey,
            ["Departments:SocialSecurity:Resilience:AttemptTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        using var services = new ServiceCollection()
            .AddSocialSecurity(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<SocialSecurityOptions>>().Value;
    }
}
