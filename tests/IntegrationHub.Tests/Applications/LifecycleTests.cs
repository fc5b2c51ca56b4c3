using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Local.Sandbox;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Applications;

/// <summary>A hub of its own for the lifecycle after applying: its tests steer a department's faults.</summary>
[CollectionDefinition(Name)]
public sealed class LifecycleCollection : ICollectionFixture<HubFixture>
{
    public const string Name = "lifecycle";
}

/// <summary>
/// Issue 11, the hub's side: materials checked at the door and uploaded once at hand-off, the 补正 answered through the API,
/// the withdrawal delivered or (before the hand-off reached the department) cancelled. The department's reports reach
/// the hub through its one status path (<see cref="IDepartmentStatusSink"/>), as every adapter hands them in.
/// </summary>
[Collection(LifecycleCollection.Name)]
public sealed class LifecycleTests(HubFixture hub)
{
    private static readonly DateTimeOffset Decided = new(2026, 11, 29, 10, 15, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task Apply_RequiredMaterialMissing_IsRefusedAtTheDoorNamingIt()
    {
        var body = IntakeTests.Sample("FG-002");
        body["materials"] = new JsonArray(new JsonObject { ["code"] = "leaseContract", ["materialId"] = await hub.UploadMaterialAsync("leaseContract", TestFiles.Pdf()) });

        using var response = await hub.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("propertyCertificate", problem["errors"]!["materials"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("不动产权证书或房屋所有权证", problem["errors"]!["materials"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ConditionalMaterialOutsideItsCondition_IsRefusedAtTheDoor()
    {
        // GA-002 for work (residenceReason 01) takes the proof of employment, not the proof of study.
        var body = IntakeTests.Sample("GA-002");
        body["materials"] = new JsonArray(
            new JsonObject { ["code"] = "employmentProof", ["materialId"] = await hub.UploadMaterialAsync("employmentProof", TestFiles.Pdf()) },
            new JsonObject { ["code"] = "studyProof", ["materialId"] = await hub.UploadMaterialAsync("studyProof", TestFiles.Png(), "image/png") });

        using var response = await hub.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        Assert.Equal(["materials[1].code"], errors.Select(e => e.Key));
    }

    [Fact]
    public async Task Apply_MaterialOfAnotherPlatformOrCode_IsRefusedAtTheDoor()
    {
        var body = IntakeTests.Sample("FG-005");
        body["materials"] = new JsonArray(new JsonObject { ["code"] = "incomeProof", ["materialId"] = await hub.UploadMaterialAsync("incomeProof", TestFiles.Pdf(), apiKey: HubFixture.KeyB) });
        var other = IntakeTests.Sample("FG-005");
        other["materials"] = new JsonArray(new JsonObject { ["code"] = "incomeProof", ["materialId"] = await hub.UploadMaterialAsync("leaseContract", TestFiles.Pdf()) });

        using var foreign = await hub.SubmitAsync(body);
        using var mislabelled = await hub.SubmitAsync(other);

        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Contains("is not a material this platform uploaded", await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, mislabelled.StatusCode);
        Assert.Contains("was uploaded as 'leaseContract'", await mislabelled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_WithMaterials_UploadsEachOnceAcrossRetriesAndShowsThemWithoutContent()
    {
        var department = hub.CaseRequests["FG"];
        var lease = TestFiles.Pdf(1, "lease-" + Guid.NewGuid());
        var property = TestFiles.Jpeg(16, 16, (byte)Random.Shared.Next(256));
        var body = IntakeTests.Sample("FG-002");
        body["materials"] = new JsonArray(
            new JsonObject { ["code"] = "leaseContract", ["materialId"] = await hub.UploadMaterialAsync("leaseContract", lease) },
            new JsonObject { ["code"] = "propertyCertificate", ["materialId"] = await hub.UploadMaterialAsync("propertyCertificate", property, "image/jpeg") });

        // The second upload finds the department busy: the attempt is retried, and the first file is not sent again.
        var id = await SubmitAsync(body, transientSecondUpload: department);

        // Whatever the department then says to the application itself, the second attempt is the one after the uploads.
        var view = await hub.WaitForAsync(id, a => a["timeline"]!.AsArray().Count(e => e!["kind"]!.GetValue<string>() == "attempt") >= 2);
        var hashes = new[] { Sha(lease), Sha(property) };
        Assert.Equal(2, department.Uploads.Count(u => hashes.Contains(u.Sha256Hex)));
        var materials = view["materials"]!.AsArray();
        Assert.Equal(["房屋租赁合同", "不动产权证书或房屋所有权证"], materials.Select(m => m!["name"]!.GetValue<string>()));
        Assert.Equal(["application/pdf", "image/jpeg"], materials.Select(m => m!["mediaType"]!.GetValue<string>()));
        Assert.All(materials, m => Assert.True(m!["delivered"]!.GetValue<bool>()));
        Assert.Equal(lease.Length, materials[0]!["size"]!.GetValue<long>());
        var first = view["timeline"]!.AsArray().First(e => e!["kind"]!.GetValue<string>() == "attempt")!;
        Assert.Equal("Transient", first["outcome"]!.GetValue<string>());
        Assert.Contains("propertyCertificate", first["departmentMessage"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Supplement_AskedByTheDepartment_IsAnsweredOnceAndTheCaseDecided()
    {
        var department = hub.CaseRequests["GA"];
        var id = await SubmitAsync(Storage.StorageCallBudgetTests.WithoutMaterials());
        var caseNumber = (await hub.WaitForAsync(id, a => a["caseNumber"] is not null))["caseNumber"]!.GetValue<string>();
        using var client = hub.CreateClient();

        using var early = await client.PostAsJsonAsync($"/api/v1/applications/{id}/supplements", new { note = "补充" });
        await ReportAsync(id, caseNumber, ApplicationStatus.SupplementRequired, "请补充房屋租赁合同", Decided, ["leaseContract"]);
        var wanted = await hub.GetApplicationAsync(id);
        using var without = await client.PostAsJsonAsync($"/api/v1/applications/{id}/supplements", new { note = "已补充" });
        var lease = await hub.UploadMaterialAsync("leaseContract", TestFiles.Pdf(1, "supplement-" + id));
        using var answered = await client.PostAsJsonAsync($"/api/v1/applications/{id}/supplements",
            new { note = "已补充租赁合同", materials = new[] { new { code = "leaseContract", materialId = lease } } });
        using var repeated = await client.PostAsJsonAsync($"/api/v1/applications/{id}/supplements",
            new { note = "已补充租赁合同", materials = new[] { new { code = "leaseContract", materialId = lease } } });
        using var second = await client.PostAsJsonAsync($"/api/v1/applications/{id}/supplements",
            new { note = "再补充一次", materials = new[] { new { code = "leaseContract", materialId = lease } } });
        var delivered = await hub.WaitForAsync(id, a => a["timeline"]!.AsArray().Any(e => e!["kind"]!.GetValue<string>() == "supplement-delivered"));
        await ReportAsync(id, caseNumber, ApplicationStatus.InReview, null, Decided.AddHours(1), []);
        await ReportAsync(id, caseNumber, ApplicationStatus.Approved, "准予办理", Decided.AddHours(2), []);

        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("SupplementRequired", wanted["status"]!.GetValue<string>());
        Assert.Equal("房屋租赁合同", wanted["supplement"]!["materials"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("请补充房屋租赁合同", wanted["supplement"]!["note"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, without.StatusCode);
        Assert.Contains("leaseContract", await without.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, repeated.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var sent = Assert.Single(department.Supplements, s => s.ApplicationId == id);
        Assert.Equal(caseNumber, sent.CaseNumber);
        Assert.Equal("已补充租赁合同", sent.Note);
        Assert.Equal("leaseContract", Assert.Single(sent.Materials).Code);
        Assert.NotEqual(id, sent.RequestKey);
        Assert.Equal("Delivered", delivered["handoff"]!.GetValue<string>());
        Assert.True(delivered["supplement"]!["answered"]!.GetValue<bool>());
        Assert.Contains(delivered["materials"]!.AsArray(), m => m!["supplement"]!.GetValue<bool>() && m["delivered"]!.GetValue<bool>());
        Assert.Equal("Approved", (await hub.GetApplicationAsync(id))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Supplement_DepartmentSaysTheCaseIsNotWaiting_IsARecordedConflictNotAFailedHandoff()
    {
        var department = hub.CaseRequests["GA"];
        var id = await SubmitAsync(IntakeTests.Sample("GA-004"));
        var caseNumber = (await hub.WaitForAsync(id, a => a["caseNumber"] is not null))["caseNumber"]!.GetValue<string>();
        await ReportAsync(id, caseNumber, ApplicationStatus.SupplementRequired, "请说明情况", Decided, []);
        department.Conflicting[caseNumber] = "3002";
        using var client = hub.CreateClient();

        using var answered = await client.PostAsJsonAsync($"/api/v1/applications/{id}/supplements", new { note = "情况说明" });
        var done = await hub.WaitForAsync(id, a => a["timeline"]!.AsArray().Any(e => e!["kind"]!.GetValue<string>() == "supplement-conflict"));

        Assert.Equal(HttpStatusCode.Accepted, answered.StatusCode);
        Assert.Equal("Delivered", done["handoff"]!.GetValue<string>());
        Assert.Equal("SupplementRequired", done["status"]!.GetValue<string>());
        Assert.DoesNotContain(done["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "handoff-failed");
        Assert.Contains("3002", done["timeline"]!.AsArray().Single(e => e!["kind"]!.GetValue<string>() == "supplement-conflict")!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Withdrawal_AfterDelivery_IsSentAndTheDepartmentsAnswerMakesItWithdrawn()
    {
        var department = hub.CaseRequests["GA"];
        var id = await SubmitAsync(IntakeTests.Sample("GA-004"));
        var caseNumber = (await hub.WaitForAsync(id, a => a["caseNumber"] is not null))["caseNumber"]!.GetValue<string>();
        using var client = hub.CreateClient();

        using var withdrawn = await client.PostAsJsonAsync($"/api/v1/applications/{id}/withdrawal", new { reason = "已在别处办理" });
        await hub.WaitForAsync(id, a => a["timeline"]!.AsArray().Any(e => e!["kind"]!.GetValue<string>() == "withdrawal-delivered"));
        await ReportAsync(id, caseNumber, ApplicationStatus.Withdrawn, null, Decided, []);
        using var again = await client.PostAsJsonAsync($"/api/v1/applications/{id}/withdrawal", new { reason = "再撤一次" });
        var late = await ReportAsync(id, caseNumber, ApplicationStatus.Approved, "准予", Decided.AddHours(1), [], expect: ReportOutcome.Stale);

        Assert.Equal(ReportOutcome.Stale, late);
        Assert.Equal(HttpStatusCode.Accepted, withdrawn.StatusCode);
        var sent = Assert.Single(department.Withdrawals, w => w.ApplicationId == id);
        Assert.Equal("已在别处办理", sent.Reason);
        Assert.Equal(caseNumber, sent.CaseNumber);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("Withdrawn", (await hub.GetApplicationAsync(id))["status"]!.GetValue<string>());
        await Handoff.PipelineAssert.PlatformReceivedAsync(hub, id, ["Delivered", "Withdrawn"]);
    }

    [Fact]
    public async Task Withdrawal_BeforeTheHandoffReachedTheDepartment_CancelsItWithoutCalling()
    {
        hub.PublicSecurity.Faults = new SandboxFaults(new SandboxFaultRates { Busy = 1 }, 11, TimeProvider.System);
        try
        {
            var id = await SubmitAsync(IntakeTests.Sample("GA-003"));
            await hub.WaitForAsync(id, a => a["handoff"]!.GetValue<string>() is "Retrying" or "Failed");
            using var client = hub.CreateClient();

            using var withdrawn = await client.PostAsJsonAsync($"/api/v1/applications/{id}/withdrawal", new { reason = "不需要了" });
            var view = await hub.GetApplicationAsync(id);

            Assert.Equal(HttpStatusCode.Accepted, withdrawn.StatusCode);
            Assert.Equal("Withdrawn", view["status"]!.GetValue<string>());
            Assert.Equal("Resolved", view["handoff"]!.GetValue<string>());
            Assert.DoesNotContain(hub.CaseRequests.GetValueOrDefault("GA")?.Withdrawals ?? [], w => w.ApplicationId == id);
            await Handoff.PipelineAssert.PlatformReceivedAsync(hub, id, ["Withdrawn"]);
        }
        finally
        {
            hub.PublicSecurity.Faults = null;
        }
    }

    private async Task<string> SubmitAsync(JsonObject body, RecordingCaseRequests? transientSecondUpload = null)
    {
        body = await hub.WithMaterialsAsync(body);
        if (transientSecondUpload is not null)
        {
            // The department answers the first upload, then is busy once.
            transientSecondUpload.BusyAfter(1);
        }

        using var response = await hub.SubmitAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
    }

    private async Task<ReportOutcome> ReportAsync(
        string id, string caseNumber, ApplicationStatus status, string? reason, DateTimeOffset at, IReadOnlyList<string> missing, ReportOutcome expect = ReportOutcome.Applied)
    {
        var application = await hub.GetApplicationAsync(id);
        var report = new DepartmentStatusReport(application["department"]!.GetValue<string>(), id, caseNumber, status, reason, at,
            $"{caseNumber}-{status}-{at.ToUnixTimeSeconds()}", status.ToString()) { MissingMaterials = missing };
        using var scope = hub.Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<IDepartmentStatusSink>().ApplyAsync(report, CancellationToken.None);
        Assert.Equal(expect, outcome);
        return outcome;
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
}
