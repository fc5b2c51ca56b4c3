using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Handoff;

/// <summary>Submission to final status through the whole pipeline: Azurite, the queue worker, the strict sandbox 公安.</summary>
[Collection(PipelineCollection.Name)]
public sealed class PublicSecurityPipelineTests(HubFixture hub)
{
    private static readonly DateTimeOffset Decided = new(2026, 11, 29, 10, 15, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData("GA-001")]
    [InlineData("GA-002")]
    [InlineData("GA-003")]
    [InlineData("GA-004")]
    [InlineData("GA-006")]
    public async Task Application_NotifiedAcceptedReviewApproved_ReachesApprovedAtThePlatform(string itemCode)
    {
        var id = await SubmitAsync(IntakeTests.Sample(itemCode));
        var delivered = await hub.WaitForAsync(id, a => a["caseNumber"] is not null);
        var slbh = delivered["caseNumber"]!.GetValue<string>();

        foreach (var (blzt, minutes) in new[] { ("01", 0), ("04", 10), ("05", 20) })
        {
            var reply = await hub.PublicSecurity.SendNotificationAsync(slbh, blzt, blzt == "05" ? "准予办理" : "办理中", Decided.AddMinutes(minutes));
            Assert.True(reply.Acknowledged, reply.Body);
        }

        var done = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved");
        Assert.Equal("Delivered", done["handoff"]!.GetValue<string>());
        var received = Assert.Single(hub.PublicSecurity.ReceivedApplications, r => r.Lsh == id);
        Assert.Equal("0000", received.Code);
        Assert.Equal("application/xml; charset=GB18030", received.Headers["Content-Type"]);
        await PipelineAssert.PlatformReceivedAsync(hub, id, ["Delivered", "Accepted", "InReview", "Approved"]);
    }

    [Fact]
    public async Task IdCardProgress_InstantItem_CompletesSynchronouslyWithItsResult()
    {
        hub.PublicSecurity.GivenIdCardProgress("03", "鼓楼分局户籍大厅");

        var id = await SubmitAsync(IntakeTests.Sample("GA-005"));
        var done = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved");

        Assert.Equal("0001", done["timeline"]!.AsArray().First(e => e!["kind"]!.GetValue<string>() == "attempt")!["departmentCode"]!.GetValue<string>());
        Assert.NotNull(done["result"]);
        await PipelineAssert.PlatformReceivedAsync(hub, id, ["Approved"]);
    }

    [Fact]
    public async Task Delivery_BusyTwiceThenSuccess_DeliversOnceWithOneLsh()
    {
        var cases = hub.PublicSecurity.CaseCount;
        hub.PublicSecurity.GivenBusy(2);

        var id = await SubmitAsync(IntakeTests.Sample("GA-004"));
        await hub.WaitForAsync(id, a => a["caseNumber"] is not null);

        var attempts = hub.PublicSecurity.ReceivedApplications.Where(r => r.Lsh == id).ToList();
        Assert.Equal(["9001", "9001", "0000"], attempts.Select(a => a.Code));
        Assert.Equal(3, attempts.Select(a => a.Nonce).Distinct().Count());
        Assert.Equal(cases + 1, hub.PublicSecurity.CaseCount);
    }

    [Fact]
    public async Task Delivery_PermanentError_FailsWithoutRetryAndShowsAsFailedHandoff()
    {
        hub.PublicSecurity.GivenMissingElement("XZZ");

        var id = await SubmitAsync(IntakeTests.Sample("GA-003"));
        var failed = await hub.WaitForAsync(id, a => a["handoff"]!.GetValue<string>() == "Failed");

        Assert.Single(hub.PublicSecurity.ReceivedApplications, r => r.Lsh == id);
        Assert.Equal("Submitted", failed["status"]!.GetValue<string>());
        Assert.Contains(failed["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "handoff-failed");
    }

    [Fact]
    public async Task Delivery_IntakeRejection_IsFinalRejected()
    {
        hub.PublicSecurity.GivenIntakeRejection("不符合居住证申领条件");

        var id = await SubmitAsync(IntakeTests.Sample("GA-002"));
        var done = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Rejected");

        Assert.Equal("不符合居住证申领条件", done["reason"]!.GetValue<string>());
        Assert.Single(hub.PublicSecurity.ReceivedApplications, r => r.Lsh == id);
    }

    [Fact]
    public async Task Notification_ForgedSignature_Is401AndChangesNothing()
    {
        var id = await SubmitAsync(IntakeTests.Sample("GA-004"));
        var before = await hub.WaitForAsync(id, a => a["caseNumber"] is not null);

        var reply = await hub.PublicSecurity.SendNotificationAsync(before["caseNumber"]!.GetValue<string>(), "05", "准予办理", Decided, forgeSignature: true);
        var after = await hub.GetApplicationAsync(id);

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal(before["status"]!.GetValue<string>(), after["status"]!.GetValue<string>());
        // Only the platform's acknowledgements may still arrive meanwhile; nothing from the department.
        Assert.Equal(PipelineAssert.DepartmentSteps(before), PipelineAssert.DepartmentSteps(after));
    }

    [Fact]
    public async Task Notifications_RepeatedAndReordered_LeaveTheRightFinalStatus()
    {
        var id = await SubmitAsync(IntakeTests.Sample("GA-004"));
        var slbh = (await hub.WaitForAsync(id, a => a["caseNumber"] is not null))["caseNumber"]!.GetValue<string>();

        // Approved arrives first, then the older accepted and in-review, then approved again.
        Assert.True((await hub.PublicSecurity.SendNotificationAsync(slbh, "05", "准予办理", Decided.AddMinutes(20))).Acknowledged);
        Assert.True((await hub.PublicSecurity.SendNotificationAsync(slbh, "01", "已受理", Decided)).Acknowledged);
        Assert.True((await hub.PublicSecurity.SendNotificationAsync(slbh, "04", "审核中", Decided.AddMinutes(10))).Acknowledged);
        Assert.True((await hub.PublicSecurity.SendNotificationAsync(slbh, "05", "准予办理", Decided.AddMinutes(20))).Acknowledged);

        var done = await hub.GetApplicationAsync(id);
        Assert.Equal("Approved", done["status"]!.GetValue<string>());
        var statusSteps = done["timeline"]!.AsArray().Where(e => e!["kind"]!.GetValue<string>() == "status").Select(e => e!["status"]!.GetValue<string>());
        Assert.Equal(["Delivered", "Approved"], statusSteps);
        Assert.Equal(2, done["timeline"]!.AsArray().Count(e => e!["kind"]!.GetValue<string>() == "status-ignored"));
    }

    [Fact]
    public async Task Submission_RepeatedIdempotencyKey_CreatesNothingNew()
    {
        var key = Guid.NewGuid().ToString();
        var body = IntakeTests.Sample("GA-004");
        var first = await SubmitAsync(body, key);
        await hub.WaitForAsync(first, a => a["caseNumber"] is not null);

        var second = await SubmitAsync(body, key);
        await hub.HandoffsSettledAsync();

        Assert.Equal(first, second);
        Assert.Single(hub.PublicSecurity.ReceivedApplications, r => r.Lsh == first);
    }

    private async Task<string> SubmitAsync(JsonObject body, string? key = null)
    {
        using var response = await hub.SubmitAsync(body, key);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
    }
}
