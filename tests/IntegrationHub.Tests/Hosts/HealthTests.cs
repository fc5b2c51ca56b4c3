using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using IntegrationHub.Handoff;
using IntegrationHub.Departments.SharedState;
using IntegrationHub.Health;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Hosts;

[Collection(HubCollection.Name)]
public sealed class HealthTests(HubFixture hub)
{
    [Fact]
    public async Task Health_EverythingAnswers_ReportsEachCheckHealthy()
    {
        using var response = await hub.CreateClient().GetAsync("/api/v1/health");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", body!["status"]!.GetValue<string>());
        var checks = body["checks"]!.AsObject();
        Assert.Equal(["backlog", "department-FG", "department-GA", "department-RS", "queues", "tables"], checks.Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.All(checks, c => Assert.Equal("ok", c.Value!.GetValue<string>()));
    }

    [Fact]
    public async Task HealthReady_StorageAnswers_ReportsOnlyStorage()
    {
        using var response = await hub.CreateClient().GetAsync("/api/v1/health/ready");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["queues", "tables"], body!["checks"]!.AsObject().Select(c => c.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Health_StorageDown_NotReadyButAlive()
    {
        // A port nothing listens on: storage that does not answer.
        const string dead = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";
        var services = new ServiceCollection().AddLogging()
            .AddSingleton(new TableServiceClient(dead)).AddSingleton(new QueueServiceClient(dead))
            .AddHubHealthChecks().AddSingleton<HealthApi>();
        // The backlog check needs the queue probe; without storage it fails like the rest, so it is left out here.
        services.Configure<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>(o =>
        {
            var backlog = o.Registrations.Single(r => r.Name == "backlog");
            o.Registrations.Remove(backlog);
        });
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthApi>();

        var (readyStatus, ready) = await Run(await health.Ready(CancellationToken.None));
        var (liveStatus, live) = await Run(await health.Live(CancellationToken.None));
        var (fullStatus, full) = await Run(await health.Check(CancellationToken.None));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, readyStatus);
        Assert.Equal("unhealthy", ready["status"]!.GetValue<string>());
        Assert.StartsWith("unreachable", ready["checks"]!["tables"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("unreachable", ready["checks"]!["queues"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status200OK, liveStatus);
        Assert.Equal("healthy", live["status"]!.GetValue<string>());
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, fullStatus);
        Assert.Equal("unhealthy", full["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_DepartmentCircuitOpen_DegradedButReady()
    {
        var circuits = hub.Services.GetRequiredService<CircuitStates>();
        await circuits.OpenedAsync("GA", TimeSpan.FromMinutes(10));
        try
        {
            using var response = await hub.CreateClient().GetAsync("/api/v1/health");
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            using var ready = await hub.CreateClient().GetAsync("/api/v1/health/ready");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("degraded", body!["status"]!.GetValue<string>());
            Assert.Equal("circuit open", body["checks"]!["department-GA"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        finally
        {
            await circuits.ClosedAsync("GA");
        }
    }

    [Fact]
    public async Task Health_DepartmentUnreachable_DegradedNamingIt()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System)
            .AddSingleton(hub.Services.GetRequiredService<DepartmentStateTable>()).AddSingleton<CircuitStates>()
            .AddDepartmentHealthCheck("XX", _ => new Uri("http://127.0.0.1:9/")).AddSingleton<HealthApi>();
        await using var provider = services.BuildServiceProvider();

        var (status, body) = await Run(await provider.GetRequiredService<HealthApi>().Check(CancellationToken.None));

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal("degraded", body["status"]!.GetValue<string>());
        Assert.StartsWith("unreachable", body["checks"]!["department-XX"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<(int Status, JsonNode Body)> Run(JsonHttpResult<IntegrationHub.Contracts.HealthReport> result)
    {
        var context = new DefaultHttpContext { RequestServices = hub.Services };
        context.Response.Body = new MemoryStream();
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, JsonNode.Parse(context.Response.Body)!);
    }
}
