using IntegrationHub.Departments;
using IntegrationHub.Departments.PublicSecurity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

public sealed class PublicSecurityOptionsTests
{
    [Fact]
    public void AddPublicSecurity_ValidConfiguration_BindsWithDefaults()
    {
        var options = Resolve(new Dictionary<string, string?>());

        Assert.Equal(new Uri("http://127.0.0.1:9/ga"), options.BaseUrl);
        Assert.Equal(new Uri("http://127.0.0.1:9/ga/"), options.BaseAddress());
        Assert.Equal("GA320300", options.BureauCode);
        Assert.Equal(TimeSpan.FromSeconds(300), options.ClockSkew);
        Assert.Equal(GaTestData.Key, options.SigningKeyBytes());
        Assert.Equal(3, options.Resilience.MaxRetryAttempts);
    }

    [Theory]
    [InlineData("Departments:PublicSecurity:BaseUrl", null, "BaseUrl")]
    [InlineData("Departments:PublicSecurity:BaseUrl", "/population", "BaseUrl")]
    [InlineData("Departments:PublicSecurity:BaseUrl", "ftp://127.0.0.1/", "BaseUrl")]
    [InlineData("Departments:PublicSecurity:AccessUnitCode", "", "AccessUnitCode")]
    [InlineData("Departments:PublicSecurity:SigningKey", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==", "SigningKey")]
    [InlineData("Departments:PublicSecurity:SigningKey", "not base64 at all!", "SigningKey")]
    [InlineData("Departments:PublicSecurity:Resilience:SamplingDuration", "00:00:15", "SamplingDuration")]
    [InlineData("Departments:PublicSecurity:Resilience:TotalTimeout", "00:00:05", "TotalTimeout")]
    [InlineData("Departments:PublicSecurity:Resilience:MinimumThroughput", "1", "MinimumThroughput")]
    [InlineData("Departments:PublicSecurity:Resilience:FailureRatio", "0", "FailureRatio")]
    public void AddPublicSecurity_BadSetting_FailsNamingIt(string key, string? value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==", error.Message, StringComparison.Ordinal);
    }

    private static PublicSecurityOptions Resolve(Dictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Departments:PublicSecurity:BaseUrl"] = "http://127.0.0.1:9/ga",
            ["Departments:PublicSecurity:AccessUnitCode"] = GaTestData.AccessUnit,
            ["Departments:PublicSecurity:SigningKey"] = Convert.ToBase64String(GaTestData.Key),
            ["Departments:PublicSecurity:Resilience:AttemptTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        using var services = new ServiceCollection()
            .AddPublicSecurity(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<PublicSecurityOptions>>().Value;
    }
}
