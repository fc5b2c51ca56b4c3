using System.Security.Cryptography;
using IntegrationHub.Local.Sandbox;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

/// <summary>v3.1: materials (RS9101, CLLB), the supplement (BLZT 3 + BZCL, RS9102) and the withdrawal (RS9103, BLZT 4).</summary>
public sealed partial class SocialSecuritySandboxTests
{
    [Fact]
    public async Task Upload_SameFileAndCodeTwice_SameClid()
    {
        var first = await UploadAsync("HKB", "png", SandboxFiles.Png());
        var second = await UploadAsync("HKB", "png", SandboxFiles.Png());

        Assert.Equal("0000", first.Code);
        Assert.Equal(first.Body["CLID"], second.Body["CLID"]);
        Assert.NotEqual(first.Body["CLID"], (await UploadAsync("HKB", "png", SandboxFiles.Png(seed: 2))).Body["CLID"]);
    }

    [Fact]
    public async Task Upload_PdfBytesDeclaredJpg_1005()
    {
        Assert.Equal("1005", (await UploadAsync("HKB", "jpg", SandboxFiles.Pdf())).Code);
    }

    [Fact]
    public async Task Upload_TypeNotAllowed_1005()
    {
        Assert.Equal("1005", (await UploadAsync("HKB", "gif", SandboxFiles.Png())).Code);
    }

    [Fact]
    public async Task Upload_HashOfOtherBytes_1005()
    {
        Assert.Equal("1005", (await UploadAsync("HKB", "png", SandboxFiles.Png(), hashOf: SandboxFiles.Png(seed: 9))).Code);
    }

    [Fact]
    public async Task Upload_OneByteOverTheLimit_1006()
    {
        Assert.Equal("1006", (await UploadAsync("HKB", "png", SandboxFiles.PngOver(SocialSecuritySandbox.MaxMaterialBytes))).Code);
    }

    [Fact]
    public async Task Post_FlexibleEnrolmentWithoutHouseholdRegister_1002NamingIt()
    {
        _gateway.RequireMaterials = true;

        var answer = await PostAsync("RS7001", Json(FlexibleEnrolment()));

        Assert.Equal("1002", answer.Code);
        Assert.Contains("HKB", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_FlexibleEnrolmentWithUploadedHouseholdRegister_Received()
    {
        var clid = (await UploadAsync("HKB", "pdf", SandboxFiles.Pdf())).Body["CLID"];

        Assert.Equal("0000", (await PostAsync("RS7001", Json(FlexibleEnrolment($"HKB:{clid}")))).Code);
    }

    [Theory]
    [InlineData("HKB:C32030020261128099999")]
    [InlineData("XLZM:{clid}")]
    [InlineData("HKB")]
    public async Task Post_UnknownClidOtherCodeOrMalformedList_1003(string list)
    {
        var clid = (await UploadAsync("XLZM", "png", SandboxFiles.Png())).Body["CLID"];

        Assert.Equal("1003", (await PostAsync("RS7001", Json(FlexibleEnrolment(list.Replace("{clid}", clid, StringComparison.Ordinal))))).Code);
    }

    [Fact]
    public async Task Post_CommunityVisitCertificationWithoutPhoto_1002()
    {
        _gateway.RequireMaterials = true;
        var body = Json(new() { ["AAC002"] = RsTestData.Applicant.IdNumber, ["AAC003"] = "李明", ["RZFS"] = "2", ["RZSJ"] = "20261128093000" });

        Assert.Equal("1002", (await PostAsync("RS2001", body)).Code);
    }

    [Fact]
    public async Task Post_FlexibleEnrolmentWithoutHouseholdRegisterMaterialsNotRequired_Received()
    {
        Assert.Equal("0000", (await PostAsync("RS7001", Json(FlexibleEnrolment()))).Code);
    }

    [Fact]
    public async Task Query_NameRuleSupplement_Blzt3WithBzclThenSupplementedAndApproved()
    {
        var clid = (await UploadAsync("HKB", "png", SandboxFiles.Png())).Body["CLID"];
        var aaz002 = (await PostAsync("RS7001", Json(FlexibleEnrolment($"HKB:{clid}", name: "李补正")))).Body["AAZ002"];
        _clock.Advance(TimeSpan.FromHours(1));

        var asked = await QueryAsync(aaz002);
        var wrong = await PostAsync("RS9102", Json(new() { ["AAZ002"] = aaz002, ["BZSM"] = "补交" }));
        var supplemented = await PostAsync("RS9102", Json(new() { ["AAZ002"] = aaz002, ["BZSM"] = "补交户口簿", ["CLLB"] = $"HKB:{clid}" }));
        _clock.Advance(TimeSpan.FromMinutes(10));
        var waiting = await QueryAsync(aaz002);
        _clock.Advance(TimeSpan.FromHours(1));
        var decided = await QueryAsync(aaz002);

        Assert.Equal(("3", "HKB"), (asked.Body["BLZT"], asked.Body["BZCL"]));
        Assert.Equal("1002", wrong.Code);
        Assert.Equal("0000", supplemented.Code);
        Assert.Equal("0", waiting.Body["BLZT"]);
        Assert.Equal("1", decided.Body["BLZT"]);
        Assert.Single(_gateway.SupplementsReceived);
    }

    [Fact]
    public async Task Post_SupplementWhileNotAsked_8003()
    {
        var aaz002 = (await PostAsync("RS1001", Json(Enrolment()))).Body["AAZ002"];

        Assert.Equal("8003", (await PostAsync("RS9102", Json(new() { ["AAZ002"] = aaz002, ["BZSM"] = "补交" }))).Code);
    }

    [Fact]
    public async Task Post_SupplementAskedByTestWithoutCodes_AcceptedOnceThen8003()
    {
        var aaz002 = (await PostAsync("RS1001", Json(Enrolment()))).Body["AAZ002"];
        _gateway.GivenDecision(aaz002, "3", "请补充说明", bzcl: []);

        var asked = await QueryAsync(aaz002);
        var first = await PostAsync("RS9102", Json(new() { ["AAZ002"] = aaz002, ["BZSM"] = "说明" }));
        var second = await PostAsync("RS9102", Json(new() { ["AAZ002"] = aaz002, ["BZSM"] = "说明" }));

        Assert.Equal(("3", ""), (asked.Body["BLZT"], asked.Body["BZCL"]));
        Assert.Equal(("0000", "8003"), (first.Code, second.Code));
    }

    [Fact]
    public async Task Post_WithdrawalBeforeDecision_Blzt4AndASecondOne8004()
    {
        var aaz002 = (await PostAsync("RS1001", Json(Enrolment()))).Body["AAZ002"];

        var withdrawn = await PostAsync("RS9103", Json(new() { ["AAZ002"] = aaz002, ["CHYY"] = "不再需要" }));
        _clock.Advance(TimeSpan.FromHours(2));
        var status = await QueryAsync(aaz002);
        var again = await PostAsync("RS9103", Json(new() { ["AAZ002"] = aaz002, ["CHYY"] = "不再需要" }));

        Assert.Equal("0000", withdrawn.Code);
        Assert.Equal("4", status.Body["BLZT"]);
        Assert.Equal("8004", again.Code);
        Assert.Equal(SandboxCaseState.Withdrawn, _gateway.CaseState(aaz002));
    }

    [Fact]
    public async Task Post_WithdrawalAfterApproval_8004()
    {
        var aaz002 = (await PostAsync("RS1001", Json(Enrolment()))).Body["AAZ002"];
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal("1", (await QueryAsync(aaz002)).Body["BLZT"]);

        Assert.Equal("8004", (await PostAsync("RS9103", Json(new() { ["AAZ002"] = aaz002, ["CHYY"] = "不再需要" }))).Code);
    }

    [Fact]
    public async Task Post_NameRuleHold_NeverDecidedSoTheWithdrawalIsAccepted()
    {
        var body = Enrolment();
        body["AAC003"] = "李撤回";
        var aaz002 = (await PostAsync("RS1001", Json(body))).Body["AAZ002"];
        _clock.Advance(TimeSpan.FromDays(3));

        Assert.Equal("0", (await QueryAsync(aaz002)).Body["BLZT"]);
        Assert.Equal("0000", (await PostAsync("RS9103", Json(new() { ["AAZ002"] = aaz002, ["CHYY"] = "不再需要" }))).Code);
    }

    private static Dictionary<string, string?> FlexibleEnrolment(string? materials = null, string name = "李明")
    {
        var body = Enrolment();
        body["AAC003"] = name;
        body["AAE140"] = "110,310";
        body.Remove("AAC009");
        body.Remove("JFDC");
        body["JFJS"] = "4800";
        body["KSNY"] = "202612";
        if (materials is not null)
        {
            body["CLLB"] = materials;
        }

        return body;
    }

    private Task<GatewayAnswer> UploadAsync(string code, string type, byte[] file, byte[]? hashOf = null) =>
        PostAsync("RS9101", Json(new()
        {
            ["CLBM"] = code,
            ["WJLX"] = type,
            ["WJHX"] = Convert.ToHexStringLower(SHA256.HashData(hashOf ?? file)),
            ["WJNR"] = Convert.ToBase64String(file),
        }));
}
