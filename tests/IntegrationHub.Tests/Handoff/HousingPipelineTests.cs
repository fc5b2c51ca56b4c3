using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Handoff;

/// <summary>房管 through the whole pipeline: OAuth2, 202 + ticket, webhooks that repeat and arrive out of order, reconciliation.</summary>
[Collection(PipelineCollection.Name)]
public sealed class HousingPipelineTests(HubFixture hub)
{
    private static readonly DateTimeOffset Decided = new(2026, 11, 29, 10, 15, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData("FG-001")]
    [InlineData("FG-002")]
    [InlineData("FG-005")]
    public async Task Application_WebhooksAcceptedApproved_ReachesApprovedAtThePlatform(string itemCode)
    {
        var id = await SubmitAsync(IntakeTests.Sample(itemCode));
        var ticket = (await hub.WaitForAsync(id, a => a["caseNumber"] is not null))["caseNumber"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.OK, await hub.Housing.SendWebhookAsync(ticket, "accepted", null, Decided));
        Assert.Equal(HttpStatusCode.OK, await hub.Housing.SendWebhookAsync(ticket, "approved", "符合条件", Decided.AddHours(1)));

        var done = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved");
        Assert.Equal(ticket, hub.Housing.TicketFor(id));
        Assert.Equal(202, Assert.Single(hub.Housing.ReceivedApplications, r => r.RequestId == id).HttpStatus);
        Assert.Equal("符合条件", done["reason"]!.GetValue<string>());
        await PipelineAssert.PlatformReceivedAsync(hub, id, ["Delivered", "Accepted", "Approved"]);
    }

    [Theory]
    [InlineData("FG-003")]
    [InlineData("FG-004")]
    public async Task InstantItem_Completed_IsApprovedWithItsResult(string itemCode)
    {
        var id = await SubmitAsync(IntakeTests.Sample(itemCode));

        var done = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved");

        Assert.NotNull(done["result"]);
        await PipelineAssert.PlatformReceivedAsync(hub, id, ["Approved"]);
    }

    [Fact]
    public async Task Webhooks_DuplicatedAndOutOfOrder_NeverReplaceTheFinalStatus()
    {
        var id = await SubmitAsync(IntakeTests.Sample("FG-002"));
        var ticket = (await hub.WaitForAsync(id, a => a["caseNumber"] is not null))["caseNumber"]!.GetValue<string>();
        var approved = Guid.NewGuid().ToString();

        Assert.Equal(HttpStatusCode.OK, await hub.Housing.SendWebhookAsync(ticket, "approved", null, Decided.AddHours(2), approved));
        Assert.Equal(HttpStatusCode.OK, await hub.Housing.SendWebhookAsync(ticket, "approved", null, Decided.AddHours(2), approved));
        Assert.Equal(HttpStatusCode.OK, await hub.Housing.SendWebhookAsync(ticket, "accepted", null, Decided));
        Assert.Equal(HttpStatusCode.OK, await hub.Housing.SendWebhookAsync(ticket, "supplement_required", "补充收入证明", Decided.AddHours(1)));

        var done = await hub.GetApplicationAsync(id);
        Assert.Equal("Approved", done["status"]!.GetValue<string>());
        Assert.Single(done["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "status" && e["status"]!.GetValue<string>() == "Approved");
        Assert.Equal(2, done["timeline"]!.AsArray().Count(e => e!["kind"]!.GetValue<string>() == "status-ignored"));
    }

    [Fact]
    public async Task Webhook_ForgedSignature_Is401AndChangesNothing()
    {
        var id = await SubmitAsync(IntakeTests.Sample("FG-002"));
        var before = await hub.WaitForAsync(id, a => a["caseNumber"] is not null);

        var status = await hub.Housing.SendWebhookAsync(before["caseNumber"]!.GetValue<string>(), "approved", null, Decided, forgeSignature: true);
        var after = await hub.GetApplicationAsync(id);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(before["status"]!.GetValue<string>(), after["status"]!.GetValue<string>());
        // Only the platform's acknowledgements may still arrive meanwhile; nothing from the department.
        Assert.Equal(PipelineAssert.DepartmentSteps(before), PipelineAssert.DepartmentSteps(after));
    }

    [Fact]
    public async Task Reconciliation_NoWebhookArrives_AsksTheBureauAndAppliesItsStatus()
    {
        var id = await SubmitAsync(IntakeTests.Sample("FG-001"));
        var ticket = (await hub.WaitForAsync(id, a => a["caseNumber"] is not null))["caseNumber"]!.GetValue<string>();

        hub.Housing.SetStatus(ticket, "denied", "家庭收入超过标准");
        var done = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Denied", TimeSpan.FromSeconds(30));

        Assert.Contains(ticket, hub.Housing.ReceivedQueries);
        Assert.Equal("家庭收入超过标准", done["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delivery_RateLimited_WaitsRetryAfterThenDeliversOnce()
    {
        hub.Housing.GivenRateLimited(1, retryAfterSeconds: 2);

        // FG-003 takes no material, so the bureau's first call is the application itself (not an upload).
        var id = await SubmitAsync(IntakeTests.Sample("FG-003"));
        await hub.WaitForAsync(id, a => a["caseNumber"] is not null, TimeSpan.FromSeconds(30));

        var attempts = hub.Housing.ReceivedApplications.Where(r => r.RequestId == id).ToList();
        // FG-003 is answered at once (200, the ticket decided in the answer); the others 202.
        Assert.Equal([429, 200], attempts.Select(a => a.HttpStatus));
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromSeconds(2), $"retried after {attempts[1].At - attempts[0].At}");
    }

    [Fact]
    public async Task Token_ManyDeliveries_ReuseOneToken()
    {
        var before = hub.Housing.TokenRequestCount;
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await SubmitAsync(IntakeTests.Sample("FG-004")));
        }

        foreach (var id in ids)
        {
            await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved");
        }

        Assert.True(hub.Housing.TokenRequestCount - before <= 1, $"{hub.Housing.TokenRequestCount - before} token requests for 5 deliveries");
    }

    private async Task<string> SubmitAsync(JsonObject body)
    {
        using var response = await hub.SubmitAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
    }
}
