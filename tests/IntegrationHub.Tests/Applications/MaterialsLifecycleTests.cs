using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Local.Sandbox;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Applications;

/// <summary>
/// The hub as <c>./hub run</c> has it for issue 11: the three strict sandboxes refuse an application without a material its
/// item requires (<see cref="SandboxDepartment.RequireMaterials"/>), and 公安 and 房管 decide on their own within a second
/// (人社 decides at query time), with the name rules of docs/sandboxes.md: 补正 asks once for a supplement, 撤回 holds.
/// </summary>
public sealed class MaterialsHubFixture : HubFixture
{
    public override async Task InitializeAsync()
    {
        PublicSecurity.AutoDecide(TimeSpan.FromMilliseconds(200), retryUnit: TimeSpan.FromSeconds(1));
        Housing.AutoDecide(TimeSpan.FromMilliseconds(200), retryUnit: TimeSpan.FromSeconds(1));
        PublicSecurity.RequireMaterials = true;
        Housing.RequireMaterials = true;
        await base.InitializeAsync();
        SocialSecurity.RequireMaterials = true;
    }

    internal SandboxDepartment Department(string code) => code switch
    {
        "GA" => PublicSecurity,
        "FG" => Housing,
        "RS" => SocialSecurity,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "no such department"),
    };
}

[CollectionDefinition(Name)]
public sealed class LifecycleCollection : ICollectionFixture<MaterialsHubFixture>
{
    public const string Name = "lifecycle";
}

/// <summary>
/// Issue 11, end to end against each department's strict sandbox: an item with its required materials to Approved, each
/// file stored by the department once however often the application is retried or replayed; a required material missing
/// refused at the door; the department's 补正 answered through the API and the case decided; a withdrawal to Withdrawn;
/// a file whose bytes are not its declared type refused.
/// </summary>
[Collection(LifecycleCollection.Name)]
public sealed class MaterialsLifecycleTests(MaterialsHubFixture hub)
{
    /// <summary>Per department, an item with two required materials or one: the hub's codes, as Catalog/Materials.json has them.</summary>
    public static TheoryData<string, string, string[]> Items() => new()
    {
        { "GA", "GA-006", ["propertyCertificate", "leaseContract"] },
        { "FG", "FG-002", ["leaseContract", "propertyCertificate"] },
        { "RS", "RS-007", ["householdRegister"] },
    };

    [Theory]
    [MemberData(nameof(Items))]
    public async Task Apply_WithItsMaterials_IsApprovedAndEachFileReachesTheDepartmentOnceAcrossRetriesAndReplays(string department, string item, string[] codes)
    {
        var sandbox = hub.Department(department);
        var (body, files) = await WithMaterialsAsync(IntakeTests.Sample(item), codes);
        // The department refuses the application itself (not the uploads) as busy four times: the department's resilience
        // pipeline retries three times inside one attempt, so the hub's first attempt fails and its second goes through.
        sandbox.GivenApplicationsBusy(4);
        var key = Guid.NewGuid().ToString();

        var id = await SubmitAsync(body, key);
        var approved = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved", TimeSpan.FromSeconds(60));
        using var replayed = await hub.SubmitAsync(body, key);

        Assert.Equal(HttpStatusCode.Accepted, replayed.StatusCode);
        var attempts = approved["timeline"]!.AsArray().Where(e => e!["kind"]!.GetValue<string>() == "attempt").ToList();
        Assert.Contains(attempts, a => a!["outcome"]!.GetValue<string>() == "Transient");
        Assert.True(attempts.Count >= 2, $"{attempts.Count} attempts");
        foreach (var file in files)
        {
            Assert.Single(sandbox.MaterialsReceived, m => m.Sha256 == file);
        }

        var materials = approved["materials"]!.AsArray();
        Assert.Equal(codes, materials.Select(m => m!["code"]!.GetValue<string>()));
        Assert.All(materials, m => Assert.True(m!["delivered"]!.GetValue<bool>()));
        Assert.All(materials, m => Assert.False(string.IsNullOrEmpty(m!["name"]!.GetValue<string>())));
        await Handoff.PipelineAssert.PlatformReceivedAsync(hub, id, ["Delivered", "Approved"]);
    }

    [Theory]
    [MemberData(nameof(Items))]
    public async Task Apply_ARequiredMaterialMissing_IsRefusedAtTheDoorAndNothingReachesTheDepartment(string department, string item, string[] codes)
    {
        var sandbox = hub.Department(department);
        var (body, _) = await WithMaterialsAsync(IntakeTests.Sample(item), codes[..^1]);
        var before = sandbox.MaterialsReceived.Count;

        using var response = await hub.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains(codes[^1], problem["errors"]!["materials"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, sandbox.MaterialsReceived.Count);
    }

    [Theory]
    [MemberData(nameof(Items))]
    public async Task Supplement_AskedByTheDepartment_IsAnsweredThroughTheApiAndTheCaseApproved(string department, string item, string[] codes)
    {
        var sandbox = hub.Department(department);
        var sample = IntakeTests.Sample(item);
        sample["applicant"]!["name"] = "张补正";
        var (body, _) = await WithMaterialsAsync(sample, codes);
        var id = await SubmitAsync(body);

        var wanted = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "SupplementRequired", TimeSpan.FromSeconds(60));
        var asked = wanted["supplement"]!["materials"]!.AsArray().Select(m => m!["code"]!.GetValue<string>()).ToList();
        using var client = hub.CreateClient();
        using var without = await client.PostAsJsonAsync($"/api/v1/applications/{id}/supplements", new { note = "补充说明" });
        var supplement = new JsonArray();
        foreach (var code in asked)
        {
            supplement.Add(new JsonObject { ["code"] = code, ["materialId"] = await hub.UploadMaterialAsync(code, TestFiles.Pdf(1, $"supplement-{code}-{id}")) });
        }

        using var answered = await client.PostAsJsonAsync($"/api/v1/applications/{id}/supplements", new JsonObject { ["note"] = "已按要求补正", ["materials"] = supplement });
        var approved = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved", TimeSpan.FromSeconds(60));

        Assert.Equal(codes.Order(), asked.Order());
        Assert.All(wanted["supplement"]!["materials"]!.AsArray(), m => Assert.False(string.IsNullOrEmpty(m!["name"]!.GetValue<string>())));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, without.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);
        var sent = Assert.Single(sandbox.SupplementsReceived, s => s.CaseNumber == approved["caseNumber"]!.GetValue<string>());
        Assert.Equal(asked.Count, sent.Materials.Count);
        Assert.True(approved["supplement"]!["answered"]!.GetValue<bool>());
        Assert.Contains(approved["materials"]!.AsArray(), m => m!["supplement"]!.GetValue<bool>() && m["delivered"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(Items))]
    public async Task Withdrawal_OfAnOpenCase_ReachesWithdrawnAndALateDecisionIsStale(string department, string item, string[] codes)
    {
        var sandbox = hub.Department(department);
        var sample = IntakeTests.Sample(item);
        sample["applicant"]!["name"] = "李撤回";
        var (body, _) = await WithMaterialsAsync(sample, codes);
        var id = await SubmitAsync(body);
        var caseNumber = (await hub.WaitForAsync(id, a => a["caseNumber"] is not null, TimeSpan.FromSeconds(60)))["caseNumber"]!.GetValue<string>();
        using var client = hub.CreateClient();

        using var withdrawn = await client.PostAsJsonAsync($"/api/v1/applications/{id}/withdrawal", new { reason = "已在别处办理" });
        // The department's own word (公安's BLZT 07 notification, 房管's webhook) may come before the hub has recorded that its
        // withdrawal was taken: both are awaited, in whichever order they land.
        var view = await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Withdrawn"
            && a["timeline"]!.AsArray().Any(e => e!["kind"]!.GetValue<string>() == "withdrawal-delivered"), TimeSpan.FromSeconds(60));
        using var again = await client.PostAsJsonAsync($"/api/v1/applications/{id}/withdrawal", new { reason = "再撤一次" });
        var late = await ReportAsync(id, department, caseNumber, ApplicationStatus.Approved);

        Assert.Equal(HttpStatusCode.Accepted, withdrawn.StatusCode);
        Assert.Equal(SandboxCaseState.Withdrawn, sandbox.CaseState(caseNumber));
        Assert.Single(sandbox.WithdrawalsReceived, w => w.CaseNumber == caseNumber);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(ReportOutcome.Stale, late);
        Assert.Equal("Withdrawn", (await hub.GetApplicationAsync(id))["status"]!.GetValue<string>());
        Assert.Contains(view["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "withdrawal-delivered");
    }

    [Theory]
    [MemberData(nameof(Items))]
    public async Task Upload_BytesNotOfTheirDeclaredType_IsRefused(string department, string item, string[] codes)
    {
        _ = (department, item);

        using var response = await hub.PostMaterialAsync(codes[0], TestFiles.Png(), "application/pdf");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("its bytes are image/png", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Supplement_DepartmentSaysTheCaseIsNotWaiting_IsARecordedConflictNotAFailedHandoff()
    {
        // 李撤回: the bureau accepts the case and leaves it open, so it is not waiting for a supplement whatever the hub thinks.
        var sample = IntakeTests.Sample("GA-004");
        sample["applicant"]!["name"] = "李撤回";
        var id = await SubmitAsync(await hub.WithMaterialsAsync(sample));
        // The held case's last notification is 04 审核中; after it the bureau says nothing more on its own.
        var caseNumber = (await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "InReview"))["caseNumber"]!.GetValue<string>();
        await ReportAsync(id, "GA", caseNumber, ApplicationStatus.SupplementRequired, expect: ReportOutcome.Applied);
        using var client = hub.CreateClient();

        using var answered = await client.PostAsJsonAsync($"/api/v1/applications/{id}/supplements", new { note = "情况说明" });
        var done = await hub.WaitForAsync(id, a => a["timeline"]!.AsArray().Any(e => e!["kind"]!.GetValue<string>() == "supplement-conflict"));

        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);
        Assert.Equal("Delivered", done["handoff"]!.GetValue<string>());
        Assert.Equal("SupplementRequired", done["status"]!.GetValue<string>());
        Assert.DoesNotContain(done["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "handoff-failed");
        Assert.Contains("3002", done["timeline"]!.AsArray().Single(e => e!["kind"]!.GetValue<string>() == "supplement-conflict")!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(hub.PublicSecurity.SupplementsReceived, s => s.CaseNumber == caseNumber);

        // The platform hears of the refusal as a step event, with the department's code, on the feed and the webhook.
        var step = Assert.Single(await StepEventsTests.FeedStepsAsync(hub, id));
        Assert.Equal("supplement-conflict", step["step"]!.GetValue<string>());
        Assert.Equal("SupplementRequired", step["status"]!.GetValue<string>());
        Assert.Contains("3002", step["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(step["eventId"]!.GetValue<string>(), (await StepEventsTests.WebhookStepAsync(hub, id, "supplement-conflict"))["eventId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Withdrawal_BeforeTheHandoffReachedTheDepartment_CancelsItWithoutCalling()
    {
        hub.PublicSecurity.GivenApplicationsBusy(int.MaxValue);
        try
        {
            var id = await SubmitAsync(await hub.WithMaterialsAsync(IntakeTests.Sample("GA-003")));
            await hub.WaitForAsync(id, a => a["handoff"]!.GetValue<string>() is "Retrying" or "Failed");
            var withdrawalsBefore = hub.PublicSecurity.WithdrawalsReceived.Count;
            using var client = hub.CreateClient();

            using var withdrawn = await client.PostAsJsonAsync($"/api/v1/applications/{id}/withdrawal", new { reason = "不需要了" });
            var view = await hub.GetApplicationAsync(id);

            Assert.Equal(HttpStatusCode.Accepted, withdrawn.StatusCode);
            Assert.Equal("Withdrawn", view["status"]!.GetValue<string>());
            Assert.Equal("Resolved", view["handoff"]!.GetValue<string>());
            Assert.Equal(withdrawalsBefore, hub.PublicSecurity.WithdrawalsReceived.Count);
            await Handoff.PipelineAssert.PlatformReceivedAsync(hub, id, ["Withdrawn"]);
        }
        finally
        {
            hub.PublicSecurity.GivenApplicationsBusy(0);
        }
    }

    // Uploads one file per code, each with bytes of its own, and names them in the body; answers their SHA-256s.
    private async Task<(JsonObject Body, List<string> Files)> WithMaterialsAsync(JsonObject body, IEnumerable<string> codes)
    {
        var materials = new JsonArray();
        var files = new List<string>();
        foreach (var code in codes)
        {
            var bytes = TestFiles.Pdf(1, $"{code}-{Guid.NewGuid()}");
            files.Add(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
            materials.Add(new JsonObject { ["code"] = code, ["materialId"] = await hub.UploadMaterialAsync(code, bytes) });
        }

        body["materials"] = materials;
        return (body, files);
    }

    private async Task<string> SubmitAsync(JsonObject body, string? key = null)
    {
        using var response = await hub.SubmitAsync(body, key);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
    }

    private async Task<ReportOutcome> ReportAsync(string id, string department, string caseNumber, ApplicationStatus status, ReportOutcome expect = ReportOutcome.Stale)
    {
        var at = TimeProvider.System.GetUtcNow();
        var report = new DepartmentStatusReport(department, id, caseNumber, status, status == ApplicationStatus.SupplementRequired ? "请说明情况" : "准予", at,
            $"{caseNumber}-{status}-{at.ToUnixTimeMilliseconds()}", status.ToString()) { MissingMaterials = [] };
        using var scope = hub.Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<IDepartmentStatusSink>().ApplyAsync(report, CancellationToken.None);
        Assert.Equal(expect, outcome);
        return outcome;
    }
}
