using IntegrationHub.Departments;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Local.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Departments.Housing;

public sealed class HousingSandboxSetupTests
{
    [Fact]
    public async Task HousingSandboxSetup_NoBaseUrl_StartsSandboxWithFreshCredentialsTheHubCanUse()
    {
        var builder = WebApplication.CreateBuilder();

        await using var sandbox = HousingSandboxSetup.Start(builder);

        Assert.NotNull(sandbox);
        builder.Services.AddLogging().AddSingleton<IDepartmentStatusSink>(new RecordingStatusSink());
        builder.Configuration.AddInMemoryCollection(AdapterStorage.Settings());
        builder.Services.AddAdapterStorage(builder.Configuration);
        builder.Services.AddHousing(builder.Configuration);
        await using var services = builder.Services.BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<HousingOptions>>().Value;
        Assert.Equal(sandbox.BaseUrl, options.BaseUrl);
        Assert.Equal(64, options.ClientSecret.Length);
        Assert.Equal(64, options.WebhookSecret.Length);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ReconcileAfter);

        var outcome = await services.GetRequiredService<IDepartmentAdapter>()
            .HandOffAsync(FgTestData.Application("FG-003", submittedAt: TimeProvider.System.GetUtcNow()), CancellationToken.None);
        Assert.Equal(HandoffOutcomeKind.Completed, outcome.Kind);
    }

    [Fact]
    public void HousingSandboxSetup_BaseUrlConfigured_NoSandbox()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Departments:Housing:BaseUrl"] = "https://fg.example/" });

        Assert.Null(HousingSandboxSetup.Start(builder));
        Assert.Equal("https://fg.example/", builder.Configuration["Departments:Housing:BaseUrl"]);
    }
}
