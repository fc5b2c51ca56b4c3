using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Departments.Housing;

namespace IntegrationHub.Tests.Departments.Housing;

public sealed class HousingTranslatorTests
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string, string> AllSamples()
    {
        var data = new TheoryData<string, string>();
        foreach (var code in FgTestData.ItemCodes)
        {
            data.Add(code, "valid");
            data.Add(code, "validMinimal");
        }

        return data;
    }

    [Fact]
    public void ItemCodes_EveryOnlineHousingItemInTheCatalog()
    {
        var online = ServiceCatalog.LoadEmbedded().Entries
            .Where(e => e.Item.Department == "FG" && e.Item.Online)
            .Select(e => e.Item.Code);

        Assert.Equal(online.Order(), HousingTranslator.ItemCodes.Order());
    }

    [Theory]
    [InlineData("FG-001", "PRH_APPLY")]
    [InlineData("FG-002", "LEASE_FILING")]
    [InlineData("FG-003", "HOUSING_CERT")]
    [InlineData("FG-004", "MAINT_FUND_QUERY")]
    [InlineData("FG-005", "PRH_REVIEW")]
    public void ToRequest_EachItem_EnvelopeAndApplicantAsDocumented(string code, string serviceCode)
    {
        var application = FgTestData.Application(code);

        var json = Request(application);

        Assert.Equal(["request_id", "service_code", "district_code", "submitted_at", "applicant", "payload"], Names(json));
        Assert.Equal(application.HandoffKey, Text(json["request_id"]));
        Assert.Equal(serviceCode, Text(json["service_code"]));
        Assert.Equal("320302", Text(json["district_code"]));
        Assert.Equal("2026-11-28T09:30:00+08:00", Text(json["submitted_at"]));
        var applicant = json["applicant"]!.AsObject();
        Assert.Equal(["name", "id_card_no", "gender", "mobile", "ethnicity_code"], Names(applicant));
        Assert.Equal(["张伟", "11010519491231002X", "female", "13812345678", "01"], applicant.Select(p => Text(p.Value)));
    }

    [Fact]
    public void ToRequest_SexCodeOne_Male()
    {
        var application = FgTestData.Application("FG-003", applicant: FgTestData.Applicant with { IdNumber = "320303198607152737", SexCode = "1" });

        Assert.Equal("male", Text(Request(application)["applicant"]!["gender"]));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("9")]
    public void ToRequest_SexUnknownOrNotStated_RefusedNamingIt(string sexCode)
    {
        var application = FgTestData.Application("FG-003", applicant: FgTestData.Applicant with { SexCode = sexCode });

        var error = Assert.Throws<HousingFormatException>(() => HousingTranslator.ToRequest(application));

        Assert.Equal("applicant.sexCode", error.Field);
    }

    [Fact]
    public void ToRequest_PublicRentalApplication_PayloadInFenAndSqm()
    {
        var payload = Payload(FgTestData.Application("FG-001"));

        Assert.Equal(["household_members", "monthly_income_fen", "current_housing_area_sqm", "employer"], Names(payload));
        Assert.Equal(
            """[{"name":"李志勇","id_card_no":"320303198607152737","relation":"self"},{"name":"张丽","id_card_no":"320312198801032620","relation":"spouse"},{"name":"李浩轩","id_card_no":"320303201409260192","relation":"child"},{"name":"李梦瑶","id_card_no":"320303201806110243","relation":"child"}]""",
            payload["household_members"]!.ToJsonString(Readable));
        Assert.Equal("685050", payload["monthly_income_fen"]!.ToJsonString());
        Assert.Equal("28.6", payload["current_housing_area_sqm"]!.ToJsonString());
        Assert.Equal("徐州市云龙区环境卫生管理所", Text(payload["employer"]));
    }

    [Theory]
    [InlineData("0.07", 7L)]
    [InlineData("1234.56", 123456L)]
    [InlineData("6850.5", 685050L)]
    [InlineData("0.1", 10L)]
    [InlineData("0", 0L)]
    [InlineData("3980", 398000L)]
    [InlineData("19999999.99", 1999999999L)]
    [InlineData("1.10", 110L)]
    [InlineData("1E2", 10000L)]
    public void ToRequest_YuanAsJsonText_ExactIntegerFen(string yuan, long fen)
    {
        var form = FgTestData.Form("FG-005");
        form["monthlyIncomeYuan"] = JsonNode.Parse(yuan);

        var body = HousingTranslator.ToRequest(FgTestData.Application("FG-005", form: form));

        Assert.Contains($"\"monthly_income_fen\":{fen}", body, StringComparison.Ordinal);
        Assert.Equal(fen, JsonNode.Parse(body)!["payload"]!["monthly_income_fen"]!.GetValue<long>());
    }

    [Theory]
    [InlineData(0.07, 7L)]
    [InlineData(1234.56, 123456L)]
    [InlineData(0.29, 29L)]
    [InlineData(2150.5, 215050L)]
    public void ToRequest_YuanFromADouble_ExactIntegerFenWithoutFloatError(double yuan, long fen)
    {
        // 0.29 * 100 is 28.999999999999996 in binary floating point; the translator never multiplies doubles.
        var form = FgTestData.Form("FG-002");
        form["monthlyRentYuan"] = JsonValue.Create(yuan);

        var payload = Payload(FgTestData.Application("FG-002", form: form));

        Assert.Equal(fen.ToString(System.Globalization.CultureInfo.InvariantCulture), payload["monthly_rent_fen"]!.ToJsonString());
    }

    [Theory]
    [InlineData("6850.505")]
    [InlineData("-1")]
    [InlineData("\"6850.50\"")]
    public void ToRequest_YuanNotWholeFenOrNotANumber_RefusedNamingIt(string yuan)
    {
        var form = FgTestData.Form("FG-001");
        form["monthlyIncomeYuan"] = JsonNode.Parse(yuan);

        var error = Assert.Throws<HousingFormatException>(() => HousingTranslator.ToRequest(FgTestData.Application("FG-001", form: form)));

        Assert.Equal("form.monthlyIncomeYuan", error.Field);
    }

    [Theory]
    [InlineData("89.47", "89.47")]
    [InlineData("62", "62")]
    [InlineData("28.60", "28.60")]
    [InlineData("0", "0")]
    public void ToRequest_AreaInSqm_NumberWithAtMostTwoDecimals(string area, string sent)
    {
        var form = FgTestData.Form("FG-002");
        form["areaSqm"] = JsonNode.Parse(area);

        Assert.Equal(sent, Payload(FgTestData.Application("FG-002", form: form))["area_sqm"]!.ToJsonString());
    }

    [Fact]
    public void ToRequest_AreaWithThreeDecimals_Refused()
    {
        var form = FgTestData.Form("FG-001");
        form["currentHousingAreaSqm"] = JsonNode.Parse("28.605");

        var error = Assert.Throws<HousingFormatException>(() => HousingTranslator.ToRequest(FgTestData.Application("FG-001", form: form)));

        Assert.Equal("form.currentHousingAreaSqm", error.Field);
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void ToRequest_EverySample_NeverSendsNull(string code, string sample)
    {
        var body = HousingTranslator.ToRequest(FgTestData.Application(code, sample));

        Assert.DoesNotContain("null", body, StringComparison.Ordinal);
        Assert.All(Leaves(JsonNode.Parse(body)!), leaf => Assert.NotNull(leaf));
    }

    [Fact]
    public void ToRequest_OptionalFieldsAbsentNullOrBlank_Omitted()
    {
        var minimal = Payload(FgTestData.Application("FG-001", "validMinimal"));
        var review = Payload(FgTestData.Application("FG-005", "validMinimal"));
        var form = FgTestData.Form("FG-001");
        form["employer"] = null;
        var withNull = Payload(FgTestData.Application("FG-001", form: form));
        form["employer"] = "  ";
        var withBlank = Payload(FgTestData.Application("FG-001", form: form));

        Assert.Equal(["household_members", "monthly_income_fen", "current_housing_area_sqm"], Names(minimal));
        Assert.Equal(["contract_no", "monthly_income_fen", "household_members"], Names(review));
        Assert.False(withNull.ContainsKey("employer"));
        Assert.False(withBlank.ContainsKey("employer"));
    }

    [Fact]
    public void ToRequest_ReviewWithChanges_SendsChanges()
    {
        var payload = Payload(FgTestData.Application("FG-005"));

        Assert.Equal(["contract_no", "monthly_income_fen", "household_members", "changes"], Names(payload));
        Assert.Equal("XZGZ-2024-001357", Text(payload["contract_no"]));
        Assert.Equal("723080", payload["monthly_income_fen"]!.ToJsonString());
        Assert.Equal(["self", "spouse", "parent"], payload["household_members"]!.AsArray().Select(m => Text(m!["relation"])));
    }

    [Theory]
    [InlineData("spouse")]
    [InlineData("two")]
    public void ToRequest_NotExactlyOneSelf_Refused(string change)
    {
        var form = FgTestData.Form("FG-001");
        var members = form["householdMembers"]!.AsArray();
        if (change == "spouse")
        {
            members[0]!["relation"] = "spouse";
        }
        else
        {
            members[1]!["relation"] = "self";
        }

        var error = Assert.Throws<HousingFormatException>(() => HousingTranslator.ToRequest(FgTestData.Application("FG-001", form: form)));

        Assert.Equal("form.householdMembers", error.Field);
        Assert.Contains("exactly one", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ToRequest_ElevenMembers_Refused()
    {
        var form = FgTestData.Form("FG-005", "validMinimal");
        var self = form["householdMembers"]![0]!;
        form["householdMembers"] = new JsonArray([.. Enumerable.Range(0, 11).Select(i => i == 0 ? self.DeepClone() : new JsonObject
        {
            ["name"] = "陈秀兰",
            ["idNumber"] = "320311197002281283",
            ["relation"] = "other",
        })]);

        Assert.Throws<HousingFormatException>(() => HousingTranslator.ToRequest(FgTestData.Application("FG-005", form: form)));
    }

    [Fact]
    public void ToRequest_LeaseFiling_PayloadAsDocumented()
    {
        var payload = Payload(FgTestData.Application("FG-002"));

        Assert.Equal(["landlord", "property_cert_no", "address", "area_sqm", "monthly_rent_fen", "lease_start", "lease_end"], Names(payload));
        Assert.Equal(["name", "id_card_no"], Names(payload["landlord"]!.AsObject()));
        Assert.Equal("320302196504123153", Text(payload["landlord"]!["id_card_no"]));
        Assert.Equal("89.47", payload["area_sqm"]!.ToJsonString());
        Assert.Equal("215050", payload["monthly_rent_fen"]!.ToJsonString());
        Assert.Equal("2026-12-01", Text(payload["lease_start"]));
        Assert.Equal("2027-11-30", Text(payload["lease_end"]));
    }

    [Theory]
    [InlineData("2027-11-30")]
    [InlineData("2027-12-01")]
    public void ToRequest_LeaseEndNotAfterStart_Refused(string start)
    {
        var form = FgTestData.Form("FG-002");
        form["leaseStart"] = start;

        var error = Assert.Throws<HousingFormatException>(() => HousingTranslator.ToRequest(FgTestData.Application("FG-002", form: form)));

        Assert.Equal("form.leaseEnd", error.Field);
    }

    [Fact]
    public void ToRequest_HousingCertificate_BooleanNotText()
    {
        var payload = Payload(FgTestData.Application("FG-003"));

        Assert.Equal("""{"purpose":"school","include_family":true}""", payload.ToJsonString());
    }

    [Fact]
    public void ToRequest_MaintenanceFundQuery_HouseCode()
    {
        Assert.Equal("""{"house_code":"3203110040230107150201"}""", Payload(FgTestData.Application("FG-004")).ToJsonString());
    }

    [Fact]
    public void ToRequest_NotAHousingItem_Refused()
    {
        Assert.Throws<HousingFormatException>(() =>
            HousingTranslator.ToRequest(FgTestData.Application("FG-003") with { ItemCode = "GA-003" }));
    }

    [Fact]
    public void ToRequest_RequestIdLongerThan64_Refused()
    {
        var error = Assert.Throws<HousingFormatException>(() =>
            HousingTranslator.ToRequest(FgTestData.Application("FG-003", requestId: new string('a', 65))));

        Assert.Equal("request_id", error.Field);
    }

    [Fact]
    public void ToOutcome_Received202_ReceivedWithTicket()
    {
        var outcome = HousingTranslator.ToOutcome(202, Utf8("""{"ticket_no":"FG-20261128-000123","status":"received"}"""));

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        Assert.Equal("FG-20261128-000123", outcome.CaseNumber);
        Assert.Equal("received", outcome.DepartmentCode);
        Assert.Null(outcome.Status);
    }

    [Fact]
    public void ToOutcome_Repeated200WithFirstAnswer_ReceivedWithSameTicket()
    {
        var outcome = HousingTranslator.ToOutcome(200, Utf8("""{"ticket_no":"FG-20261128-000123","status":"received"}"""));

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        Assert.Equal("FG-20261128-000123", outcome.CaseNumber);
    }

    [Theory]
    [InlineData("""{"certificate_no":"FGZM20261128000001","properties":[{"address":"江苏省徐州市","area_sqm":89.47,"property_cert_no":"苏(2020)徐州市不动产权第0058713号"}]}""")]
    [InlineData("""{"balance_fen":1234567,"last_deposit_at":"2026-06-30T10:00:00+08:00"}""")]
    public void ToOutcome_Completed200_CompletedApprovedWithTheBureausResult(string result)
    {
        var outcome = HousingTranslator.ToOutcome(200, Utf8($$"""{"ticket_no":"FG-20261128-000124","status":"completed","result":{{result}}}"""));

        Assert.Equal(HandoffOutcomeKind.Completed, outcome.Kind);
        Assert.Equal(ApplicationStatus.Approved, outcome.Status);
        Assert.Equal("FG-20261128-000124", outcome.CaseNumber);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(result), outcome.Result));
    }

    [Fact]
    public void ToOutcome_CompletedWithoutResult_FormatException()
    {
        Assert.Throws<HousingFormatException>(() =>
            HousingTranslator.ToOutcome(200, Utf8("""{"ticket_no":"FG-20261128-000124","status":"completed"}""")));
    }

    [Fact]
    public void ToOutcome_ValidationFailed400_InvalidNamingEveryField()
    {
        var outcome = HousingTranslator.ToOutcome(400, Utf8(
            """{"error":"validation_failed","details":[{"field":"payload.employer","message":"must be omitted, not null"},{"field":"applicant.gender","message":"must be male or female"}]}"""));

        Assert.Equal(HandoffOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("validation_failed", outcome.DepartmentCode);
        Assert.Equal("payload.employer: must be omitted, not null; applicant.gender: must be male or female", outcome.DepartmentMessage);
    }

    [Fact]
    public void ToOutcome_NotEligible409_RejectedWithTheReason()
    {
        var outcome = HousingTranslator.ToOutcome(409, Utf8("""{"error":"not_eligible","message":"家庭人均住房面积超过保障标准"}"""));

        Assert.Equal(HandoffOutcomeKind.Rejected, outcome.Kind);
        Assert.Equal(ApplicationStatus.Rejected, outcome.Status);
        Assert.Equal("not_eligible", outcome.DepartmentCode);
        Assert.Equal("家庭人均住房面积超过保障标准", outcome.DepartmentMessage);
    }

    [Fact]
    public void ToOutcome_InvalidToken401_ConfigurationFault()
    {
        var outcome = HousingTranslator.ToOutcome(401, Utf8("""{"error":"invalid_token"}"""));

        Assert.Equal(HandoffOutcomeKind.ConfigurationFault, outcome.Kind);
        Assert.Equal("invalid_token", outcome.DepartmentCode);
        Assert.Null(outcome.Status);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(408)]
    [InlineData(429)]
    public void ToOutcome_ServerErrorOrTooMany_Transient(int status)
    {
        Assert.Equal(HandoffOutcomeKind.Transient, HousingTranslator.ToOutcome(status, Utf8("<html>busy</html>")).Kind);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(403)]
    [InlineData(415)]
    [InlineData(409)]
    public void ToOutcome_UndocumentedStatus_ConfigurationFault(int status)
    {
        Assert.Equal(HandoffOutcomeKind.ConfigurationFault, HousingTranslator.ToOutcome(status, Utf8("{}")).Kind);
    }

    [Theory]
    [InlineData("<html>proxy</html>")]
    [InlineData("""{"status":"received"}""")]
    [InlineData("""{"ticket_no":"FG-1","status":"accepted"}""")]
    public void ToOutcome_SuccessNotInTheDocumentedShape_FormatException(string body)
    {
        Assert.Throws<HousingFormatException>(() => HousingTranslator.ToOutcome(202, Utf8(body)));
    }

    [Theory]
    [InlineData("accepted", ApplicationStatus.Accepted)]
    [InlineData("rejected", ApplicationStatus.Rejected)]
    [InlineData("supplement_required", ApplicationStatus.SupplementRequired)]
    [InlineData("approved", ApplicationStatus.Approved)]
    [InlineData("denied", ApplicationStatus.Denied)]
    public void ToReport_Webhook_EveryFieldMapped(string status, ApplicationStatus expected)
    {
        var report = HousingTranslator.ToReport(Utf8($$"""
            {"event_id":"6f1c2b1e-2f7a-4a53-9d0e-3f4b3c2a1d00","ticket_no":"FG-20261128-000123","request_id":"req-1","status":"{{status}}","reason":"材料齐全","occurred_at":"2026-11-29T10:15:00+08:00"}
            """));

        Assert.Equal("FG", report.Department);
        Assert.Equal("req-1", report.HandoffKey);
        Assert.Equal("FG-20261128-000123", report.CaseNumber);
        Assert.Equal(expected, report.Status);
        Assert.Equal("材料齐全", report.Reason);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 2, 15, 0, TimeSpan.Zero), report.OccurredAt);
        Assert.Equal(TimeSpan.FromHours(8), report.OccurredAt.Offset);
        Assert.Equal("6f1c2b1e-2f7a-4a53-9d0e-3f4b3c2a1d00", report.EventKey);
        Assert.Equal(status, report.DepartmentCode);
    }

    [Fact]
    public void ToReport_OptionalFieldsAbsentOrEmpty_NullAndUnknownFieldsIgnored()
    {
        var report = HousingTranslator.ToReport(Utf8(
            """{"event_id":"e1","ticket_no":"FG-20261128-000123","status":"approved","reason":"","occurred_at":"2026-11-29T10:15:00.123Z","extra":1}"""));

        Assert.Null(report.HandoffKey);
        Assert.Null(report.Reason);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 10, 15, 0, 123, TimeSpan.Zero), report.OccurredAt);
    }

    [Fact]
    public void ToReport_TimeWithoutOffset_ChinaStandardTime()
    {
        var report = HousingTranslator.ToReport(Utf8(
            """{"event_id":"e1","ticket_no":"FG-1","status":"accepted","occurred_at":"2026-11-29T10:15:00"}"""));

        Assert.Equal(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.FromHours(8)), report.OccurredAt);
    }

    [Theory]
    [InlineData("""{"ticket_no":"FG-1","status":"accepted","occurred_at":"2026-11-29T10:15:00+08:00"}""", "event_id")]
    [InlineData("""{"event_id":"","ticket_no":"FG-1","status":"accepted","occurred_at":"2026-11-29T10:15:00+08:00"}""", "event_id")]
    [InlineData("""{"event_id":"e1","ticket_no":12,"status":"accepted","occurred_at":"2026-11-29T10:15:00+08:00"}""", "ticket_no")]
    [InlineData("""{"event_id":"e1","ticket_no":"FG-1","status":"in_review","occurred_at":"2026-11-29T10:15:00+08:00"}""", "status")]
    [InlineData("""{"event_id":"e1","ticket_no":"FG-1","status":"accepted","occurred_at":"29/11/2026 10:15"}""", "occurred_at")]
    [InlineData("""{"event_id":"e1","ticket_no":"FG-1","status":"accepted","reason":5,"occurred_at":"2026-11-29T10:15:00+08:00"}""", "reason")]
    [InlineData("""[1,2]""", "body")]
    [InlineData("""{"event_id":"e1",""", "body")]
    [InlineData("""{"event_id":"e1","event_id":"e2","ticket_no":"FG-1","status":"accepted","occurred_at":"2026-11-29T10:15:00+08:00"}""", "body")]
    public void ToReport_MissingOrMalformedField_FormatExceptionNamingIt(string body, string field)
    {
        var error = Assert.Throws<HousingFormatException>(() => HousingTranslator.ToReport(Utf8(body)));

        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("received")]
    [InlineData("in_review")]
    public void ToReconciledReport_NoDecisionYet_Null(string status)
    {
        var body = $$"""{"ticket_no":"FG-20261128-000123","request_id":"req-1","status":"{{status}}","reason":null,"updated_at":"2026-11-28T09:30:01+08:00"}""";

        Assert.Null(HousingTranslator.ToReconciledReport(Utf8(body), "req-1", "FG-20261128-000123"));
    }

    [Fact]
    public void ToReconciledReport_Denied_ReportKeyedByTicketStatusAndTime()
    {
        var body = """{"ticket_no":"FG-20261128-000123","request_id":"req-1","status":"denied","reason":"收入超过标准","updated_at":"2026-11-30T16:00:00+08:00"}""";

        var report = HousingTranslator.ToReconciledReport(Utf8(body), "req-1", "FG-20261128-000123")!;

        Assert.Equal(ApplicationStatus.Denied, report.Status);
        Assert.Equal("req-1", report.HandoffKey);
        Assert.Equal("FG-20261128-000123", report.CaseNumber);
        Assert.Equal("收入超过标准", report.Reason);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.FromHours(8)), report.OccurredAt);
        Assert.Equal("recon|FG-20261128-000123|denied|2026-11-30T16:00:00+08:00", report.EventKey);
        Assert.Equal("denied", report.DepartmentCode);
    }

    [Fact]
    public void ToReconciledReport_AnotherTicket_FormatException()
    {
        var body = """{"ticket_no":"FG-20261128-000999","request_id":"req-1","status":"approved","updated_at":"2026-11-30T16:00:00+08:00"}""";

        Assert.Throws<HousingFormatException>(() => HousingTranslator.ToReconciledReport(Utf8(body), "req-1", "FG-20261128-000123"));
    }

    private static JsonObject Request(CanonicalApplication application) =>
        JsonNode.Parse(HousingTranslator.ToRequest(application))!.AsObject();

    private static JsonObject Payload(CanonicalApplication application) => Request(application)["payload"]!.AsObject();

    private static List<string> Names(JsonObject json) => [.. json.Select(p => p.Key)];

    private static string? Text(JsonNode? node) => node?.GetValue<string>();

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static IEnumerable<JsonNode?> Leaves(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Value is null ? [null] : Leaves(p.Value)),
        JsonArray a => a.SelectMany(v => v is null ? [null] : Leaves(v)),
        _ => [node],
    };
}
