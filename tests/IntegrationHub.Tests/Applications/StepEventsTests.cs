using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Applications;

/// <summary>
/// Issue 11: the steps that change no status reach the platform as <c>application-step</c> events, on the feed and the
/// signed webhook like the status events: a supplement the department took (here), and one it refused for the case's state
/// (MaterialsLifecycleTests.Supplement_DepartmentSaysTheCaseIsNotWaiting_IsARecordedConflictNotAFailedHandoff).
/// </summary>
[Collection(LifecycleCollection.Name)]
public sealed class StepEventsTests(MaterialsHubFixture hub)
{
    [Fact]
    public async Task Supplement_TakenByTheDepartment_IsAStepEventOnTheFeedAndTheWebhook()
    {
        // 张补正: 人社's sandbox asks once for a supplement of the household register (docs/sandboxes.md).
        var sample = IntakeTests.Sample("RS-007");
        sample["applicant"]!["name"] = "张补正";
        var id = await SubmitAsync(await hub.WithMaterialsAsync(sample));
        var wanted = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "SupplementRequired", TimeSpan.FromSeconds(60));
        var supplement = new JsonArray();
        foreach (var code in wanted["supplement"]!["materials"]!.AsArray().Select(m => m!["code"]!.GetValue<string>()))
        {
            supplement.Add(new JsonObject { ["code"] = code, ["materialId"] = await hub.UploadMaterialAsync(code, TestFiles.Pdf(1, $"step-{code}-{id}")) });
        }

        using var client = hub.CreateClient();
        using var answered = await client.PostAsJsonAsync($"/api/v1/applications/{id}/supplements", new JsonObject { ["note"] = "已按要求补正", ["materials"] = supplement });
        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);
        await hub.WaitForAsync(id, a => a["timeline"]!.AsArray().Any(e => e!["kind"]!.GetValue<string>() == "supplement-delivered"), TimeSpan.FromSeconds(60));

        var fromFeed = Assert.Single(await FeedStepsAsync(hub, id), e => e["step"]!.GetValue<string>() == "supplement-delivered");
        Assert.Equal("SupplementRequired", fromFeed["status"]!.GetValue<string>());
        Assert.Equal("RS-007", fromFeed["itemCode"]!.GetValue<string>());
        Assert.NotNull(fromFeed["caseNumber"]);
        var pushed = await WebhookStepAsync(hub, id, "supplement-delivered");
        Assert.Equal(fromFeed["eventId"]!.GetValue<string>(), pushed["eventId"]!.GetValue<string>());
    }

    private async Task<string> SubmitAsync(JsonObject body)
    {
        using var response = await hub.SubmitAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
    }

    /// <summary>The whole feed of platform A, read as a platform reads it, page by page; the application's step events.</summary>
    internal static async Task<List<JsonNode>> FeedStepsAsync(HubFixture hub, string id)
    {
        using var client = hub.CreateClient();
        var steps = new List<JsonNode>();
        string? after = null;
        while (true)
        {
            var page = (await client.GetFromJsonAsync<JsonObject>(after is null ? "/api/v1/events?limit=1000" : $"/api/v1/events?limit=1000&after={Uri.EscapeDataString(after)}"))!;
            var events = page["events"]!.AsArray();
            steps.AddRange(events.Where(e => e!["type"]!.GetValue<string>() == "application-step" && e["applicationId"]!.GetValue<string>() == id).Select(e => e!.DeepClone()));
            if (events.Count < 1000)
            {
                return steps;
            }

            after = page["next"]!.GetValue<string>();
        }
    }

    /// <summary>The webhook is pushed after the feed commits: waits (at most 30 s) for the signed step event.</summary>
    internal static async Task<JsonNode> WebhookStepAsync(HubFixture hub, string id, string step)
    {
        var received = await Eventually.ReturnsAsync(
            () => Task.FromResult(hub.Platform.Received().Where(r => r.Event["applicationId"]?.GetValue<string>() == id && r.Event["type"]?.GetValue<string>() == "application-step"
                && r.Event["step"]?.GetValue<string>() == step).ToList()),
            found => found.Count > 0, $"the platform's webhook to receive the {step} step of {id}");
        Assert.All(received, r => Assert.True(r.SignatureValid));
        return received[0].Event;
    }
}
