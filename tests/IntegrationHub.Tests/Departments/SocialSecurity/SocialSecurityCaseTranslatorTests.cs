using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Departments.SocialSecurity;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

/// <summary>Gateway v3.1 in the translator: CLLB, RS9101-RS9103 and their answers, BLZT 4 and BZCL.</summary>
public sealed class SocialSecurityCaseTranslatorTests
{
    [Fact]
    public void ToRequest_WithMaterials_CllbAsOneString()
    {
        var application = RsTestData.Application("RS-004") with { Materials = [new("labourContract", "C1"), new("contractEndProof", "C2")] };

        var body = Body(SocialSecurityTranslator.ToRequest(application));

        Assert.Equal("LDHT:C1,JCZM:C2", (string?)body["CLLB"]);
    }

    [Fact]
    public void ToRequest_WithoutMaterials_NoCllb() =>
        Assert.False(Body(SocialSecurityTranslator.ToRequest(RsTestData.Application("RS-008"))).ContainsKey("CLLB"));

    [Fact]
    public void ToRequest_MaterialTheTradeDoesNotTake_FormatError() =>
        Assert.Throws<SocialSecurityFormatException>(() =>
            SocialSecurityTranslator.ToRequest(RsTestData.Application("RS-001") with { Materials = [new("householdRegister", "C1")] }));

    [Fact]
    public void ToUpload_Pdf_Rs9101WithCodeTypeHashAndBase64UnderAFixedTransId()
    {
        var file = SocialSecurityCaseRequestsTests.File("householdRegister", [0x25, 0x50, 0x44, 0x46]);

        var request = SocialSecurityTranslator.ToUpload("RS-007", file);
        var again = SocialSecurityTranslator.ToUpload("RS-007", file);

        Assert.Equal("RS9101", request.TradeCode);
        Assert.Matches("^U[0-9A-F]{31}$", request.TransId);
        Assert.Equal(request.TransId, again.TransId);
        var body = Body(request);
        Assert.Equal(("HKB", "pdf", file.Sha256Hex, "JVBERg=="), ((string?)body["CLBM"], (string?)body["WJLX"], (string?)body["WJHX"], (string?)body["WJNR"]));
    }

    [Fact]
    public void ToUpload_TooLarge_FormatErrorWithoutSending() =>
        Assert.Throws<SocialSecurityFormatException>(() =>
            SocialSecurityTranslator.ToUpload("RS-007", SocialSecurityCaseRequestsTests.File("householdRegister", new byte[SocialSecurityTranslator.MaxMaterialBytes + 1])));

    [Fact]
    public void ToSupplement_Rs9102_CaseNoteAndMaterials()
    {
        var request = SocialSecurityTranslator.ToSupplement(new("app-1", "RS-008", "SUP1", "RS3203002026112800017", "已补充学历证明", [new("educationCertificate", "C9")], null));

        Assert.Equal(("RS9102", "SUP1"), (request.TradeCode, request.TransId));
        Assert.Equal("""{"AAZ002":"RS3203002026112800017","BZSM":"已补充学历证明","CLLB":"XLZM:C9"}""", request.Body);
    }

    [Fact]
    public void ToWithdrawal_KeyThatIsNoTransId_Rs9103UnderAFixedDigest()
    {
        var withdrawal = new WithdrawalRequest("app-1", "RS-008", "wd-0190f3a1-c2d3", "RS3203002026112800017", "不再需要", null);

        var request = SocialSecurityTranslator.ToWithdrawal(withdrawal);

        Assert.Equal("RS9103", request.TradeCode);
        Assert.Matches("^K[0-9A-F]{31}$", request.TransId);
        Assert.Equal(request.TransId, SocialSecurityTranslator.ToWithdrawal(withdrawal).TransId);
        Assert.Equal("""{"AAZ002":"RS3203002026112800017","CHYY":"不再需要"}""", request.Body);
    }

    [Theory]
    [InlineData("0000", nameof(HandoffOutcomeKind.Received))]
    [InlineData("2001", nameof(HandoffOutcomeKind.Received))]
    [InlineData("1005", nameof(HandoffOutcomeKind.Invalid))]
    [InlineData("1006", nameof(HandoffOutcomeKind.Invalid))]
    [InlineData("1001", nameof(HandoffOutcomeKind.ConfigurationFault))]
    [InlineData("9001", nameof(HandoffOutcomeKind.Transient))]
    [InlineData("9003", nameof(HandoffOutcomeKind.Held))]
    public void ToUploadOutcome_EachCode_MapsToItsClass(string code, string expected)
    {
        var kind = Enum.Parse<HandoffOutcomeKind>(expected);
        var request = SocialSecurityTranslator.ToUpload("RS-007", SocialSecurityCaseRequestsTests.File("householdRegister", [1]));

        var outcome = SocialSecurityTranslator.ToUploadOutcome(request, new SocialSecurityAnswer(code, "说明", null,
            new Dictionary<string, string> { ["CLID"] = "C1" }), TimeSpan.FromMinutes(30));

        Assert.Equal((kind, code), (outcome.Kind, outcome.DepartmentCode));
        Assert.Equal(kind == HandoffOutcomeKind.Received ? "C1" : null, outcome.CaseNumber);
    }

    [Theory]
    [InlineData("0000", nameof(HandoffOutcomeKind.Received))]
    [InlineData("8003", nameof(HandoffOutcomeKind.Conflict))]
    [InlineData("8004", nameof(HandoffOutcomeKind.Conflict))]
    [InlineData("1002", nameof(HandoffOutcomeKind.Invalid))]
    [InlineData("1001", nameof(HandoffOutcomeKind.ConfigurationFault))]
    [InlineData("9002", nameof(HandoffOutcomeKind.Transient))]
    public void ToCaseOutcome_EachCode_MapsToItsClass(string code, string expected)
    {
        var kind = Enum.Parse<HandoffOutcomeKind>(expected);
        var request = SocialSecurityTranslator.ToWithdrawal(new("app-1", "RS-008", "WD1", "RS1", "不再需要", null));

        var outcome = SocialSecurityTranslator.ToCaseOutcome(request, new SocialSecurityAnswer(code, "说明", "WD1", new Dictionary<string, string>()), TimeSpan.Zero);

        Assert.Equal((kind, code, "说明"), (outcome.Kind, outcome.DepartmentCode, outcome.DepartmentMessage));
    }

    [Fact]
    public void ToStatus_Blzt4_Withdrawn()
    {
        var report = Status("""{"AAZ002":"RS3203002026112800017","BLZT":"4","BLYJ":"申请人撤回","BJSJ":"20261130100000"}""").Report!;

        Assert.Equal((ApplicationStatus.Withdrawn, "4"), (report.Status, report.DepartmentCode));
    }

    [Fact]
    public void ToStatus_Blzt3WithBzcl_MissingMaterialsInHubCodesUnknownLeftOut()
    {
        var report = Status("""{"AAZ002":"RS3203002026112800017","BLZT":"3","BLYJ":"请补充","BJSJ":"20261130100000","BZCL":"XLZM,QT01"}""").Report!;

        Assert.Equal(ApplicationStatus.SupplementRequired, report.Status);
        Assert.Equal(["educationCertificate"], report.MissingMaterials);
    }

    private static JsonObject Body(SocialSecurityRequest request) => JsonNode.Parse(request.Body)!.AsObject();

    private static StatusQueryResult Status(string body)
    {
        var query = SocialSecurityTranslator.ToQuery("RS3203002026112800017", "Q0123456789ABCDEF0123456789ABCD");
        var answer = new SocialSecurityAnswer("0000", "成功", query.TransId,
            JsonNode.Parse(body)!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()));
        return SocialSecurityTranslator.ToStatus("0190f3a1c2d34e5f8a9b0c1d2e3f4a5b", "RS3203002026112800017", query, answer, TimeSpan.Zero, TimeSpan.FromMinutes(5));
    }
}
