using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Departments.SocialSecurity;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

public sealed class SocialSecurityTranslatorTests
{
    private static readonly string[] PersonFields = ["AAC002", "AAC003", "AAC004", "AAC005", "AAC006", "AAE005", "AAE006", "AAB301"];

    public static TheoryData<string, string> AllSamples()
    {
        var data = new TheoryData<string, string>();
        foreach (var code in RsTestData.ItemCodes)
        {
            data.Add(code, "valid");
            data.Add(code, "validMinimal");
        }

        return data;
    }

    [Theory]
    [InlineData("RS-001", "RS1001")]
    [InlineData("RS-002", "RS2001")]
    [InlineData("RS-003", "RS3001")]
    [InlineData("RS-004", "RS4001")]
    [InlineData("RS-005", "RS5001")]
    [InlineData("RS-006", "RS6001")]
    [InlineData("RS-007", "RS7001")]
    [InlineData("RS-008", "RS8001")]
    public void ToRequest_EachItem_DocumentedTradeCodeAndApplicationTransId(string code, string tradeCode)
    {
        var application = RsTestData.Application(code);

        var request = SocialSecurityTranslator.ToRequest(application);

        Assert.Equal(tradeCode, request.TradeCode);
        Assert.Equal(application.HandoffKey, request.TransId);
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void ToRequest_EverySample_BodyIsOneObjectOfNonEmptyStrings(string code, string sample)
    {
        var body = JsonDocument.Parse(SocialSecurityTranslator.ToRequest(RsTestData.Application(code, sample)).Body).RootElement;

        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.All(body.EnumerateObject(), p =>
        {
            Assert.Equal(JsonValueKind.String, p.Value.ValueKind);
            Assert.False(string.IsNullOrWhiteSpace(p.Value.GetString()), $"{p.Name} is empty");
            Assert.Equal(p.Name.ToUpperInvariant(), p.Name);
        });
    }

    [Fact]
    public void ToRequest_PensionEnrolment_PersonBlockFixedTypeAndLevelAsString()
    {
        var body = Body(RsTestData.Application("RS-001"));

        Assert.Equal([.. PersonFields, "AAE140", "AAC009", "JFDC"], body.Keys);
        Assert.Equal(["320302198506121230", "李明", "1", "01", "19850612", "13912345678", "江苏省徐州市铜山区柳泉镇柳泉村三组56号", "320302"],
            PersonFields.Select(f => body[f]));
        Assert.Equal("170", body["AAE140"]);
        Assert.Equal("10", body["AAC009"]);
        Assert.Equal("500", body["JFDC"]);
    }

    [Fact]
    public void ToRequest_FaceRecognition_EvidenceAndPersonalNumberAndChinaTime()
    {
        var body = Body(RsTestData.Application("RS-002"));

        Assert.Equal(["AAC002", "AAC003", "AAC001", "RZFS", "RZSJ", "RZPZ"], body.Keys);
        Assert.Equal("3203000012345678", body["AAC001"]);
        Assert.Equal("1", body["RZFS"]);
        Assert.Equal("20261128093000", body["RZSJ"]);
        Assert.Equal("FACE-20261128-7F3A9C21E04B", body["RZPZ"]);
    }

    [Fact]
    public void ToRequest_CommunityVisit_OptionalFieldsOmittedNotEmpty()
    {
        var body = Body(RsTestData.Application("RS-002", "validMinimal"));

        Assert.Equal(["AAC002", "AAC003", "RZFS", "RZSJ"], body.Keys);
        Assert.Equal("20261127152000", body["RZSJ"]);
    }

    [Fact]
    public void ToRequest_EvidenceGivenForOtherMethod_NotSent()
    {
        var form = RsTestData.Form("RS-002");
        form["method"] = "3";

        Assert.DoesNotContain("RZPZ", Body(RsTestData.Application("RS-002", form: form)).Keys);
    }

    [Theory]
    [InlineData("2026-11-28T01:30:00Z", "20261128093000")]
    [InlineData("2026-11-27T20:30:00-05:00", "20261128093000")]
    [InlineData("2026-11-28T09:30:00.999+08:00", "20261128093000")]
    [InlineData("2026-11-27T23:59:59+00:00", "20261128075959")]
    public void ToRequest_CertificationTimeWithAnyOffset_ConvertedToChinaTime(string certifiedAt, string expected)
    {
        var form = RsTestData.Form("RS-002");
        form["certifiedAt"] = certifiedAt;

        Assert.Equal(expected, Body(RsTestData.Application("RS-002", form: form))["RZSJ"]);
    }

    [Theory]
    [InlineData("2026-11-28T09:30:00")]
    [InlineData("20261128093000")]
    [InlineData("2026-11-28 09:30")]
    public void ToRequest_CertificationTimeWithoutOffset_Refused(string certifiedAt)
    {
        var form = RsTestData.Form("RS-002");
        form["certifiedAt"] = certifiedAt;

        Assert.Throws<SocialSecurityFormatException>(() => SocialSecurityTranslator.ToRequest(RsTestData.Application("RS-002", form: form)));
    }

    [Fact]
    public void ToRequest_Certificate_TypesCommaSeparatedMonthsCompact()
    {
        var body = Body(RsTestData.Application("RS-003"));

        Assert.Equal(["AAC002", "AAC003", "AAE140", "QSNY", "ZZNY"], body.Keys);
        Assert.Equal("110,310,210", body["AAE140"]);
        Assert.Equal("202101", body["QSNY"]);
        Assert.Equal("202610", body["ZZNY"]);
    }

    [Fact]
    public void ToRequest_CertificateStartAfterEnd_Refused()
    {
        var form = RsTestData.Form("RS-003");
        form["startMonth"] = "2026-11";

        Assert.Throws<SocialSecurityFormatException>(() => SocialSecurityTranslator.ToRequest(RsTestData.Application("RS-003", form: form)));
    }

    [Fact]
    public void ToRequest_EmploymentRegistration_EmployerNoReason()
    {
        var form = RsTestData.Form("RS-004");
        form["unemploymentReason"] = "03";

        var body = Body(RsTestData.Application("RS-004", form: form));

        Assert.Equal(["AAC002", "AAC003", "AAE005", "DJLX", "AAB004", "DJRQ"], body.Keys);
        Assert.Equal("徐州徐工挖掘机械有限公司", body["AAB004"]);
        Assert.Equal("20261116", body["DJRQ"]);
    }

    [Fact]
    public void ToRequest_UnemploymentRegistration_ReasonNoEmployer()
    {
        var form = RsTestData.Form("RS-004", "validMinimal");
        form["employerName"] = "徐州某公司";

        var body = Body(RsTestData.Application("RS-004", form: form));

        Assert.Equal(["AAC002", "AAC003", "AAE005", "DJLX", "DJRQ", "SYYY"], body.Keys);
        Assert.Equal("2", body["DJLX"]);
        Assert.Equal("20261031", body["DJRQ"]);
        Assert.Equal("01", body["SYYY"]);
    }

    [Fact]
    public void ToRequest_CardLoss_ExactBodyString()
    {
        var request = SocialSecurityTranslator.ToRequest(RsTestData.Application("RS-005"));

        Assert.Equal("""{"AAC002":"320302198506121230","AAC003":"李明","AAZ500":"A32031156"}""", request.Body);
    }

    [Fact]
    public void ToRequest_MedicalEnrolment_FixedTypeYearAsString()
    {
        var body = Body(RsTestData.Application("RS-006"));

        Assert.Equal([.. PersonFields, "AAE140", "CBND", "RYLB"], body.Keys);
        Assert.Equal("390", body["AAE140"]);
        Assert.Equal("2027", body["CBND"]);
        Assert.Equal("11", body["RYLB"]);
        Assert.Equal("江苏省徐州市邳州市运河街道青年路东段218号幸福家园7号楼501室", body["AAE006"]);
    }

    [Fact]
    public void ToRequest_FlexibleEmployment_TypesBaseAndStartMonth()
    {
        var body = Body(RsTestData.Application("RS-007"));

        Assert.Equal([.. PersonFields, "AAE140", "JFJS", "KSNY"], body.Keys);
        Assert.Equal("110,310", body["AAE140"]);
        Assert.Equal("4800", body["JFJS"]);
        Assert.Equal("202612", body["KSNY"]);
        Assert.Equal("110", Body(RsTestData.Application("RS-007", "validMinimal"))["AAE140"]);
    }

    [Fact]
    public void ToRequest_Training_CourseAndEducation()
    {
        var body = Body(RsTestData.Application("RS-008"));

        Assert.Equal(["AAC002", "AAC003", "AAE005", "PXXM", "AAC011"], body.Keys);
        Assert.Equal("PX2026-1203", body["PXXM"]);
        Assert.Equal("61", body["AAC011"]);
    }

    [Fact]
    public void ToRequest_WholeNumberWrittenAsDecimal_DigitsOnly()
    {
        var form = RsTestData.Form("RS-001");
        form["contributionLevel"] = JsonNode.Parse("500.0");

        Assert.Equal("500", Body(RsTestData.Application("RS-001", form: form))["JFDC"]);
    }

    [Fact]
    public void ToRequest_RareCharacterAndQuotes_LiteralUtf8OnlyRequiredEscapes()
    {
        var form = RsTestData.Form("RS-001");
        form["address"] = "复兴北路\"66\"号\\2单元\n";
        var application = RsTestData.Application("RS-001", form: form, applicant: RsTestData.Applicant with { Name = "王𠈌" });

        var request = SocialSecurityTranslator.ToRequest(application);

        Assert.Contains("\"AAC003\":\"王𠈌\"", request.Body, StringComparison.Ordinal);
        Assert.Contains("""复兴北路\"66\"号\\2单元\n""", request.Body, StringComparison.Ordinal);
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("王𠈌", body.GetProperty("AAC003").GetString());
        Assert.Equal("复兴北路\"66\"号\\2单元\n", body.GetProperty("AAE006").GetString());
    }

    [Fact]
    public void ToRequest_LoneSurrogate_Refused()
    {
        var application = RsTestData.Application("RS-005", applicant: RsTestData.Applicant with { Name = "王\uD840" });

        Assert.Throws<SocialSecurityFormatException>(() => SocialSecurityTranslator.ToRequest(application));
    }

    [Theory]
    [InlineData("RS-001", "hukouType")]
    [InlineData("RS-002", "evidenceRef")]
    [InlineData("RS-004", "employerName")]
    [InlineData("RS-005", "cardNo")]
    [InlineData("RS-006", "year")]
    [InlineData("RS-007", "insuranceTypes")]
    public void ToRequest_FormLacksRequiredField_RefusedNamingIt(string code, string field)
    {
        var form = RsTestData.Form(code);
        form.Remove(field);

        var error = Assert.Throws<SocialSecurityFormatException>(() => SocialSecurityTranslator.ToRequest(RsTestData.Application(code, form: form)));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HUB-0190f3a1")]
    [InlineData("0190f3a1c2d34e5f8a9b0c1d2e3f4a5b0")]
    [InlineData("")]
    public void ToRequest_HandoffKeyNotATransId_Refused(string transId)
    {
        Assert.Throws<SocialSecurityFormatException>(() =>
            SocialSecurityTranslator.ToRequest(RsTestData.Application("RS-005") with { HandoffKey = transId }));
    }

    [Fact]
    public void ToRequest_OtherDepartmentsItem_Refused()
    {
        Assert.Throws<SocialSecurityFormatException>(() =>
            SocialSecurityTranslator.ToRequest(RsTestData.Application("RS-005") with { ItemCode = "GA-001" }));
    }

    [Fact]
    public void Envelope_Request_HeadInDocumentOrderBodyAsString()
    {
        var request = new SocialSecurityRequest("RS5001", "0190f3a1c2d34e5f8a9b0c1d2e3f4a5b", """{"AAC003":"王𠈌"}""");

        var text = SocialSecurityTranslator.Envelope(request, "320300SQPT", "20261128093000", "ABCDEF");

        Assert.Equal(
            """{"head":{"trade_code":"RS5001","trans_id":"0190f3a1c2d34e5f8a9b0c1d2e3f4a5b","org_code":"320300SQPT","timestamp":"20261128093000","sign":"ABCDEF"},"body":"{\"AAC003\":\"王𠈌\"}"}""",
            text);
        Assert.Equal(request.Body, JsonDocument.Parse(text).RootElement.GetProperty("body").GetString());
    }

    [Fact]
    public void ToQuery_Case_BodyIsCaseNumberOnly()
    {
        var query = SocialSecurityTranslator.ToQuery("RS3203002026112800017", "Q0123456789ABCDEF0123456789ABCD");

        Assert.Equal("RS9001", query.TradeCode);
        Assert.Equal("""{"AAZ002":"RS3203002026112800017"}""", query.Body);
    }

    [Theory]
    [InlineData("0000", nameof(HandoffOutcomeKind.Received))]
    [InlineData("2001", nameof(HandoffOutcomeKind.Received))]
    [InlineData("1001", nameof(HandoffOutcomeKind.ConfigurationFault))]
    [InlineData("1002", nameof(HandoffOutcomeKind.Invalid))]
    [InlineData("1003", nameof(HandoffOutcomeKind.Invalid))]
    [InlineData("1004", nameof(HandoffOutcomeKind.Invalid))]
    [InlineData("8001", nameof(HandoffOutcomeKind.Rejected))]
    [InlineData("8002", nameof(HandoffOutcomeKind.Rejected))]
    [InlineData("9001", nameof(HandoffOutcomeKind.Transient))]
    [InlineData("9002", nameof(HandoffOutcomeKind.Transient))]
    [InlineData("9003", nameof(HandoffOutcomeKind.Held))]
    [InlineData("7777", nameof(HandoffOutcomeKind.Transient))]
    public void ToOutcome_EachReturnCode_DocumentedMeaning(string code, string kind)
    {
        var request = Request("RS1001");
        var answer = Answer(code, "说明", request.TransId, code is "0000" or "2001" ? """{"AAZ002":"RS3203002026112800017"}""" : "{}");

        var outcome = SocialSecurityTranslator.ToOutcome(request, answer, TimeSpan.FromMinutes(90));

        Assert.Equal(Enum.Parse<HandoffOutcomeKind>(kind), outcome.Kind);
        Assert.Equal(code, outcome.DepartmentCode);
        Assert.Equal("说明", outcome.DepartmentMessage);
        Assert.Equal(code is "0000" or "2001" ? "RS3203002026112800017" : null, outcome.CaseNumber);
        Assert.Equal(code is "8001" or "8002" ? ApplicationStatus.Rejected : null, outcome.Status);
        Assert.Equal(code == "9003" ? TimeSpan.FromMinutes(90) : null, outcome.RetryAfter);
    }

    [Fact]
    public void ToOutcome_CertificateCompleted_ApprovedWithCertificateNumberAndCode()
    {
        var request = Request("RS3001");
        var answer = Answer("0001", "办理完成", request.TransId, """{"AAZ002":"RS3203002026112800018","ZMBH":"ZM320300202611280001","YZM":"7F3A9C21"}""");

        var outcome = SocialSecurityTranslator.ToOutcome(request, answer, TimeSpan.Zero);

        Assert.Equal(HandoffOutcomeKind.Completed, outcome.Kind);
        Assert.Equal(ApplicationStatus.Approved, outcome.Status);
        Assert.Equal("RS3203002026112800018", outcome.CaseNumber);
        Assert.Equal("""{"ZMBH":"ZM320300202611280001","YZM":"7F3A9C21"}""", outcome.Result!.ToJsonString());
    }

    [Fact]
    public void ToOutcome_CardLossCompleted_ApprovedWithLossState()
    {
        var request = Request("RS5001");

        var outcome = SocialSecurityTranslator.ToOutcome(request, Answer("0001", "办理完成", request.TransId, """{"GSZT":"1"}"""), TimeSpan.Zero);

        Assert.Equal(HandoffOutcomeKind.Completed, outcome.Kind);
        Assert.Null(outcome.CaseNumber);
        Assert.Equal("1", outcome.Result!["GSZT"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("RS1001", "0000", "{}")]
    [InlineData("RS1001", "2001", "")]
    [InlineData("RS3001", "0001", """{"ZMBH":"ZM1"}""")]
    [InlineData("RS5001", "0001", "{}")]
    public void ToOutcome_AnswerLacksDocumentedField_FormatError(string tradeCode, string code, string body)
    {
        var request = Request(tradeCode);

        Assert.Throws<SocialSecurityFormatException>(() => SocialSecurityTranslator.ToOutcome(request, Answer(code, "成功", request.TransId, body), TimeSpan.Zero));
    }

    [Fact]
    public void ToOutcome_AnswerForAnotherTransId_FormatError()
    {
        var answer = Answer("0000", "成功", "0190f3a1c2d34e5f8a9b0c1d2e3f4a5c", """{"AAZ002":"RS3203002026112800017"}""");

        Assert.Throws<SocialSecurityFormatException>(() => SocialSecurityTranslator.ToOutcome(Request("RS1001"), answer, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("""{"head":{"ret_code":"0000","ret_msg":"成功","trans_id":"T1"},"body":"{\"AAZ002\":\"RS1\"}"}""", "RS1")]
    [InlineData("""{"head":{"ret_code":"0000"},"body":{"AAZ002":"RS1"}}""", "RS1")]
    [InlineData("""{"head":{"ret_code":"9001","ret_msg":"忙"},"body":""}""", null)]
    [InlineData("""{"head":{"ret_code":"9001"}}""", null)]
    [InlineData("""{"head":{"ret_code":"0000"},"body":"{\"AAZ002\":\"\"}"}""", null)]
    public void ParseAnswer_DocumentedAndTolerableShapes_Read(string text, string? caseNumber)
    {
        var answer = SocialSecurityTranslator.ParseAnswer(text);

        Assert.Equal(caseNumber, answer.Body.GetValueOrDefault("AAZ002"));
    }

    [Theory]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("""{"ret_code":"0000"}""")]
    [InlineData("""{"head":{"ret_msg":"成功"}}""")]
    [InlineData("""{"head":{"ret_code":"0000"},"body":"not json"}""")]
    [InlineData("""{"head":{"ret_code":"0000"},"body":"[1]"}""")]
    public void ParseAnswer_NotTheEnvelope_FormatError(string text)
    {
        Assert.Throws<SocialSecurityFormatException>(() => SocialSecurityTranslator.ParseAnswer(text));
    }

    [Theory]
    [InlineData("""{"head":{"ret_code":"9001"}}""", true)]
    [InlineData("""{"head":{"ret_code":"9002"}}""", true)]
    [InlineData("""{"head":{"ret_code":"9003"}}""", false)]
    [InlineData("""{"head":{"ret_code":"0000"}}""", false)]
    [InlineData("busy", false)]
    public void IsBusy_Answer_OnlyBusyAndTimeoutRetriedAtOnce(string text, bool busy)
    {
        Assert.Equal(busy, SocialSecurityTranslator.IsBusy(text));
    }

    [Fact]
    public void ToStatus_InProgress_NoReportUsualInterval()
    {
        var result = Status("""{"AAZ002":"RS3203002026112800017","BLZT":"0"}""");

        Assert.Null(result.Report);
        Assert.Null(result.RetryAfter);
        Assert.Equal("0000", result.DepartmentCode);
    }

    [Theory]
    [InlineData("1", ApplicationStatus.Approved)]
    [InlineData("2", ApplicationStatus.Denied)]
    [InlineData("3", ApplicationStatus.SupplementRequired)]
    public void ToStatus_Decided_ReportAsDocumented(string blzt, ApplicationStatus status)
    {
        var result = Status($$"""{"AAZ002":"RS3203002026112800017","BLZT":"{{blzt}}","BLYJ":"请补充户口簿首页复印件","BJSJ":"20261130153000"}""");

        var report = Assert.IsType<DepartmentStatusReport>(result.Report);
        Assert.Equal("RS", report.Department);
        Assert.Equal("0190f3a1c2d34e5f8a9b0c1d2e3f4a5b", report.HandoffKey);
        Assert.Equal("RS3203002026112800017", report.CaseNumber);
        Assert.Equal(status, report.Status);
        Assert.Equal("请补充户口簿首页复印件", report.Reason);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 15, 30, 0, TimeSpan.FromHours(8)), report.OccurredAt);
        Assert.Equal($"RS3203002026112800017|{blzt}|20261130153000", report.EventKey);
        Assert.Equal(blzt, report.DepartmentCode);
        Assert.Null(result.RetryAfter);
    }

    [Theory]
    [InlineData("9001", 300)]
    [InlineData("9002", 300)]
    [InlineData("9003", 5400)]
    [InlineData("6666", 300)]
    public void ToStatus_BusyOrMaintenance_AskAgainLater(string code, int seconds)
    {
        var result = Status("{}", code);

        Assert.Null(result.Report);
        Assert.Equal(TimeSpan.FromSeconds(seconds), result.RetryAfter);
        Assert.Equal(code, result.DepartmentCode);
    }

    [Theory]
    [InlineData("1001")]
    [InlineData("1003")]
    public void ToStatus_Refused_NoReportUsualInterval(string code)
    {
        var result = Status("{}", code);

        Assert.Null(result.Report);
        Assert.Null(result.RetryAfter);
    }

    [Theory]
    [InlineData("""{"AAZ002":"RS3203002026112800017"}""")]
    [InlineData("""{"AAZ002":"RS3203002026112800017","BLZT":"5","BJSJ":"20261130153000"}""")]
    [InlineData("""{"AAZ002":"RS3203002026112800017","BLZT":"1"}""")]
    [InlineData("""{"AAZ002":"RS3203002026112800017","BLZT":"1","BJSJ":"2026-11-30"}""")]
    [InlineData("""{"AAZ002":"RS3203002026112899999","BLZT":"1","BJSJ":"20261130153000"}""")]
    public void ToStatus_MalformedDecision_FormatError(string body)
    {
        Assert.Throws<SocialSecurityFormatException>(() => Status(body));
    }

    private static Dictionary<string, string> Body(CanonicalApplication application)
    {
        var body = JsonDocument.Parse(SocialSecurityTranslator.ToRequest(application).Body).RootElement;
        return body.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    private static SocialSecurityRequest Request(string tradeCode) => new(tradeCode, "0190f3a1c2d34e5f8a9b0c1d2e3f4a5b", "{}");

    private static SocialSecurityAnswer Answer(string code, string message, string? transId, string body) =>
        SocialSecurityTranslator.ParseAnswer(new JsonObject
        {
            ["head"] = new JsonObject { ["ret_code"] = code, ["ret_msg"] = message, ["trans_id"] = transId },
            ["body"] = body,
        }.ToJsonString());

    private static StatusQueryResult Status(string body, string code = "0000")
    {
        var query = SocialSecurityTranslator.ToQuery("RS3203002026112800017", "Q0123456789ABCDEF0123456789ABCD");
        return SocialSecurityTranslator.ToStatus("0190f3a1c2d34e5f8a9b0c1d2e3f4a5b", "RS3203002026112800017", query,
            Answer(code, "说明", query.TransId, body), TimeSpan.FromMinutes(90), TimeSpan.FromMinutes(5));
    }
}
