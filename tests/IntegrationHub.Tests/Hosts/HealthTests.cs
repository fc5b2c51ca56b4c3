using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using IntegrationHub.Health;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace IntegrationHub.Tests.Hosts;

[Collection(HubCollection.Name)]
public sealed class HealthTests(HubFixture hub)
{
    [Fact]
    public async Task Health_StorageAnswers_ReportsHealthy()
    {
        using var response = await hub.CreateClient().GetAsync("/api/v1/health");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", body!["status"]!.GetValue<string>());
        Assert.Equal("ok", body["checks"]!["tables"]!.GetValue<string>());
        Assert.Equal("ok", body["checks"]!["queues"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_StorageDown_Reports503Unhealthy()
    {
        // A port nothing listens on: storage that does not answer.
        const string dead = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";
        var health = new HealthApi(new TableServiceClient(dead), new QueueServiceClient(dead));
        var context = new DefaultHttpContext { RequestServices = hub.Services };
        context.Response.Body = new MemoryStream();

        await (await health.Check(CancellationToken.None)).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var body = JsonNode.Parse(context.Response.Body)!;
        Assert.Equal("unhealthy", body["status"]!.GetValue<string>());
        Assert.StartsWith("unreachable", body["checks"]!["tables"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
