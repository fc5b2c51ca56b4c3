using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Handoff;

/// <summary>人社 through the whole pipeline: delivery, then decisions only by polling RS9001.</summary>
[Collection(PipelineCollection.Name)]
public sealed class SocialSecurityPipelineTests(HubFixture hub)
{
    [Theory]
    [InlineData("RS-001")]
    [InlineData("RS-002")]
    [InlineData("RS-004")]
    [InlineData("RS-006")]
    [InlineData("RS-007")]
    [InlineData("RS-008")]
    public async Task Application_DecidedByTheBureau_ReachesApprovedByPollingAtThePlatform(string itemCode)
    {
        var id = await SubmitAsync(IntakeTests.Sample(itemCode));

        var done = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved", TimeSpan.FromSeconds(30));

        var caseNumber = done["caseNumber"]!.GetValue<string>();
        var delivery = Assert.Single(hub.SocialSecurity.ReceivedCalls, c => c.TransId == id);
        Assert.Equal("0000", delivery.RetCode);
        var queries = hub.SocialSecurity.QueriesFor(caseNumber);
        Assert.NotEmpty(queries);
        Assert.All(queries.Zip(queries.Skip(1)), pair => Assert.True(pair.Second.Time - pair.First.Time >= TimeSpan.FromSeconds(0.95),
            $"queried {pair.Second.Time - pair.First.Time} apart"));
        Assert.DoesNotContain(queries, q => q.RetCode == "9001");
        await PipelineAssert.PlatformReceivedAsync(hub, id, ["Delivered", "Approved"]);
    }

    [Theory]
    [InlineData("RS-003")]
    [InlineData("RS-005")]
    public async Task InstantItem_Answered0001_CompletesWithItsResult(string itemCode)
    {
        var id = await SubmitAsync(IntakeTests.Sample(itemCode));

        var done = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved");

        Assert.NotNull(done["result"]);
        Assert.Empty(hub.SocialSecurity.QueriesFor(done["caseNumber"]?.GetValue<string>() ?? "none"));
        await PipelineAssert.PlatformReceivedAsync(hub, id, ["Approved"]);
    }

    [Fact]
    public async Task Decision_Denied_IsFinalAndPollingStops()
    {
        hub.SocialSecurity.GivenDecision(null, "2", "不符合参保条件");
        var id = await SubmitAsync(IntakeTests.Sample("RS-008"));

        var done = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Denied", TimeSpan.FromSeconds(30));
        var asked = hub.SocialSecurity.QueriesFor(done["caseNumber"]!.GetValue<string>()).Count;
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(asked, hub.SocialSecurity.QueriesFor(done["caseNumber"]!.GetValue<string>()).Count);
    }

    [Fact]
    public async Task Delivery_BusyThenSuccess_OneCaseOneTransId()
    {
        var cases = hub.SocialSecurity.CaseCount;
        hub.SocialSecurity.GivenBusy(1);

        // RS-001 takes no material, so the gateway's first trade is the application itself (not an RS9101 upload).
        var id = await SubmitAsync(IntakeTests.Sample("RS-001"));
        await hub.WaitForAsync(id, a => a["caseNumber"] is not null);

        var calls = hub.SocialSecurity.ReceivedCalls.Where(c => c.TransId == id).ToList();
        Assert.Equal(["9001", "0000"], calls.Select(c => c.RetCode));
        Assert.Equal(cases + 1, hub.SocialSecurity.CaseCount);
    }

    private async Task<string> SubmitAsync(JsonObject body)
    {
        using var response = await hub.SubmitAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
    }
}
