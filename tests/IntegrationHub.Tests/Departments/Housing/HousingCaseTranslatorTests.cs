using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Departments.Housing;

namespace IntegrationHub.Tests.Departments.Housing;

/// <summary>Open API v2.3 in the translator: attachments, supplement and withdrawal bodies, their answers, withdrawn and missing.</summary>
public sealed class HousingCaseTranslatorTests
{
    [Fact]
    public void ToRequest_WithMaterials_TopLevelAttachmentsInTheBureausTypeCodes()
    {
        var application = FgTestData.Application("FG-002") with
        {
            Materials = [new("leaseContract", "F1"), new("propertyCertificate", "F2")],
        };

        var request = JsonNode.Parse(HousingTranslator.ToRequest(application))!.AsObject();

        Assert.Equal("""[{"type_code":"lease_contract","file_id":"F1"},{"type_code":"property_certificate","file_id":"F2"}]""",
            request["attachments"]!.ToJsonString());
        Assert.NotNull(request["payload"]);
    }

    [Fact]
    public void ToRequest_WithoutMaterials_NoAttachments() =>
        Assert.False(JsonNode.Parse(HousingTranslator.ToRequest(FgTestData.Application("FG-002")))!.AsObject().ContainsKey("attachments"));

    [Fact]
    public void ToRequest_MaterialTheItemDoesNotTake_FormatErrorNamingMaterials()
    {
        var application = FgTestData.Application("FG-003") with { Materials = [new("incomeProof", "F1")] };

        Assert.Equal("materials", Assert.Throws<HousingFormatException>(() => HousingTranslator.ToRequest(application)).Field);
    }

    [Fact]
    public void ToUpload_TypeTheBureauDoesNotTake_FormatErrorOnFile() =>
        Assert.Equal("file", Assert.Throws<HousingFormatException>(() =>
            HousingTranslator.ToUpload("FG-001", HousingCaseRequestsTests.File("incomeProof", [1], "image/gif"))).Field);

    [Fact]
    public void ToUpload_PdfIncomeProof_TypeCodeAndAFileNameWithoutTheResidentsName() =>
        Assert.Equal(("income_proof", "income_proof.pdf"), HousingTranslator.ToUpload("FG-001", HousingCaseRequestsTests.File("incomeProof", [1])));

    [Fact]
    public void ToSupplement_NoMaterials_EmptyAttachments() =>
        Assert.Equal("""{"request_id":"sup-1","note":"说明","attachments":[]}""",
            HousingTranslator.ToSupplement(new("app-1", "FG-001", "sup-1", "FG-1", "说明", [], null)));

    [Fact]
    public void ToSupplement_KeyLongerThan64_FixedDigestAsRequestId()
    {
        var supplement = new SupplementRequest("app-1", "FG-001", new string('k', 80), "FG-1", "说明", [], null);

        var first = JsonNode.Parse(HousingTranslator.ToSupplement(supplement))!["request_id"]!.GetValue<string>();

        Assert.Equal(64, first.Length);
        Assert.Equal(first, JsonNode.Parse(HousingTranslator.ToSupplement(supplement))!["request_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(201, """{"file_id":"F1","type_code":"income_proof"}""", nameof(HandoffOutcomeKind.Received), "created")]
    [InlineData(200, """{"file_id":"F1","type_code":"income_proof"}""", nameof(HandoffOutcomeKind.Received), "existing")]
    [InlineData(400, """{"error":"bad_file"}""", nameof(HandoffOutcomeKind.Invalid), "bad_file")]
    [InlineData(413, "", nameof(HandoffOutcomeKind.Invalid), "HTTP 413")]
    [InlineData(401, """{"error":"invalid_token"}""", nameof(HandoffOutcomeKind.ConfigurationFault), "invalid_token")]
    [InlineData(500, "", nameof(HandoffOutcomeKind.Transient), "HTTP 500")]
    public void ToUploadOutcome_EachAnswer_MapsToItsClass(int status, string body, string expected, string code)
    {
        var kind = Enum.Parse<HandoffOutcomeKind>(expected);
        var outcome = HousingTranslator.ToUploadOutcome(status, Encoding.UTF8.GetBytes(body));

        Assert.Equal((kind, code), (outcome.Kind, outcome.DepartmentCode));
        Assert.Equal(kind == HandoffOutcomeKind.Received ? "F1" : null, outcome.CaseNumber);
    }

    [Theory]
    [InlineData(202, """{"ticket_no":"FG-1","status":"supplement_received"}""", nameof(HandoffOutcomeKind.Received), "supplement_received")]
    [InlineData(200, """{"ticket_no":"FG-1","status":"withdrawal_received"}""", nameof(HandoffOutcomeKind.Received), "withdrawal_received")]
    [InlineData(409, """{"error":"not_awaiting_supplement"}""", nameof(HandoffOutcomeKind.Conflict), "not_awaiting_supplement")]
    [InlineData(409, """{"error":"already_decided"}""", nameof(HandoffOutcomeKind.Conflict), "already_decided")]
    [InlineData(400, """{"error":"validation_failed","details":[{"field":"attachments","message":"income_proof missing"}]}""", nameof(HandoffOutcomeKind.Invalid), "validation_failed")]
    [InlineData(404, """{"error":"not_found"}""", nameof(HandoffOutcomeKind.Invalid), "not_found")]
    [InlineData(503, "", nameof(HandoffOutcomeKind.Transient), "HTTP 503")]
    public void ToCaseOutcome_EachAnswer_MapsToItsClass(int status, string body, string expected, string code)
    {
        var kind = Enum.Parse<HandoffOutcomeKind>(expected);
        var outcome = HousingTranslator.ToCaseOutcome(status, Encoding.UTF8.GetBytes(body), "FG-1");

        Assert.Equal((kind, code), (outcome.Kind, outcome.DepartmentCode));
    }

    [Fact]
    public void ToReport_Withdrawn_FinalWithdrawn()
    {
        var report = HousingTranslator.ToReport(Webhook("withdrawn", ""));

        Assert.Equal((ApplicationStatus.Withdrawn, "withdrawn"), (report.Status, report.DepartmentCode));
    }

    [Fact]
    public void ToReport_SupplementRequiredWithMissing_HubCodesUnknownLeftOut()
    {
        var report = HousingTranslator.ToReport(Webhook("supplement_required", ""","missing":["income_proof","household_register","tax_record"]"""));

        Assert.Equal(ApplicationStatus.SupplementRequired, report.Status);
        Assert.Equal(["incomeProof", "householdRegister"], report.MissingMaterials);
    }

    [Theory]
    [InlineData("")]
    [InlineData(""","missing":[]""")]
    [InlineData(""","missing":null""")]
    public void ToReport_SupplementRequiredWithoutMissing_NoMissingMaterials(string missing) =>
        Assert.Empty(HousingTranslator.ToReport(Webhook("supplement_required", missing)).MissingMaterials);

    [Fact]
    public void ToReport_MissingNotAList_FormatErrorNamingIt() =>
        Assert.Equal("missing", Assert.Throws<HousingFormatException>(() => HousingTranslator.ToReport(Webhook("supplement_required", ""","missing":"income_proof" """))).Field);

    private static byte[] Webhook(string status, string extra) => Encoding.UTF8.GetBytes(
        $$"""{"event_id":"e-1","ticket_no":"FG-20261128-000123","request_id":"req-1","status":"{{status}}","reason":"请补充材料","occurred_at":"2026-11-29T10:15:00+08:00"{{extra}}}""");
}
