using IntegrationHub.Departments;
using IntegrationHub.Departments.Housing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Tests.Departments.Housing;

public sealed class HousingOptionsTests
{
    [Fact]
    public void AddHousing_ValidConfiguration_BindsWithDefaults()
    {
        var options = Resolve(new Dictionary<string, string?>());

        Assert.Equal(new Uri("http://127.0.0.1:9/fg"), options.BaseUrl);
        Assert.Equal(new Uri("http://127.0.0.1:9/fg/"), options.BaseAddress());
        Assert.Equal(FgTestData.ClientId, options.ClientId);
        Assert.Equal(TimeSpan.FromMinutes(5), options.TokenRefreshMargin);
        Assert.Equal(TimeSpan.FromHours(2), options.ReconcileAfter);
        Assert.Equal(10, options.TokenRequestsPerMinute);
        Assert.Equal(3, options.Resilience.MaxRetryAttempts);
    }

    [Theory]
    [InlineData("Departments:Housing:BaseUrl", null, "BaseUrl")]
    [InlineData("Departments:Housing:BaseUrl", "/fg", "BaseUrl")]
    [InlineData("Departments:Housing:BaseUrl", "ftp://127.0.0.1/", "BaseUrl")]
    [InlineData("Departments:Housing:ClientId", "", "ClientId")]
    [InlineData("Departments:Housing:ClientSecret", "", "ClientSecret")]
    [InlineData("Departments:Housing:WebhookSecret", "", "WebhookSecret")]
    [InlineData("Departments:Housing:TokenRequestsPerMinute", "11", "TokenRequestsPerMinute")]
    [InlineData("Departments:Housing:TokenRequestsPerMinute", "0", "TokenRequestsPerMinute")]
    [InlineData("Departments:Housing:TokenRefreshMargin", "02:00:00", "TokenRefreshMargin")]
    [InlineData("Departments:Housing:ReconcileAfter", "00:00:00", "ReconcileAfter")]
    [InlineData("Departments:Housing:Resilience:SamplingDuration", "00:00:15", "SamplingDuration")]
    [InlineData("Departments:Housing:Resilience:MinimumThroughput", "1", "MinimumThroughput")]
    public void AddHousing_BadSetting_FailsNamingItWithoutEchoingSecrets(string key, string? value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FgTestData.ClientSecret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FgTestData.WebhookSecret, error.Message, StringComparison.Ordinal);
    }

    private static HousingOptions Resolve(Dictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Departments:Housing:BaseUrl"] = "http://127.0.0.1:9/fg",
            ["Departments:Housing:ClientId"] = FgTestData.ClientId,
            ["Departments:Housing:ClientSecret"] = FgTestData.ClientSecret,
            ["Departments:Housing:WebhookSecret"] = FgTestData.WebhookSecret,
            ["Departments:Housing:Resilience:AttemptTimeout"] = "00:00:10",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        using var services = new ServiceCollection()
            .AddHousing(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<HousingOptions>>().Value;
    }
}
