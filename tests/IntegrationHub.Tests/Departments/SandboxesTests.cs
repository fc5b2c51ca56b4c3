using IntegrationHub.Local.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace IntegrationHub.Tests.Departments;

/// <summary>The sandbox kit's one line in the local host: every department's sandbox folder is found and started.</summary>
public sealed class SandboxesTests
{
    [Fact]
    public async Task AddSandboxes_NoDepartmentConfigured_StartsOneStrictSandboxPerDepartmentAndPointsTheHubAtIt()
    {
        var builder = WebApplication.CreateBuilder();

        var started = builder.AddSandboxes();
        try
        {
            Assert.Equal(["人社", "公安", "房管"], started.All.Select(s => s.Setup.Department).Order(StringComparer.Ordinal));
            Assert.Equal(3, started.All.Select(s => s.Sandbox.BaseUrl).Distinct().Count());
            Assert.All(started.All, s => Assert.True(s.Sandbox.RequireMaterials));
            Assert.Contains(started.All, s => s.Sandbox is PublicSecuritySandbox ga && builder.Configuration["Departments:PublicSecurity:BaseUrl"] == ga.BaseUrl.ToString());
            Assert.Contains(started.All, s => s.Sandbox is HousingSandbox fg && builder.Configuration["Departments:Housing:BaseUrl"] == fg.BaseUrl.ToString());
            Assert.Contains(started.All, s => s.Sandbox is SocialSecuritySandbox rs && builder.Configuration["Departments:SocialSecurity:BaseUrl"] == rs.BaseUrl.ToString());
        }
        finally
        {
            foreach (var (_, sandbox) in started.All)
            {
                await sandbox.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AddSandboxes_OneDepartmentConfigured_StartsOnlyTheOthers()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Departments:Housing:BaseUrl"] = "https://fg.example/" });

        var started = builder.AddSandboxes();
        try
        {
            Assert.DoesNotContain(started.All, s => s.Sandbox is HousingSandbox);
            Assert.Equal(2, started.All.Count);
            Assert.Equal("https://fg.example/", builder.Configuration["Departments:Housing:BaseUrl"]);
        }
        finally
        {
            foreach (var (_, sandbox) in started.All)
            {
                await sandbox.DisposeAsync();
            }
        }
    }
}
