using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

/// <summary>
/// The sandbox is only worth testing against if it is as strict as the document: these prove it refuses. Requests are
/// built here with System.Text.Json, independently of the adapter's hand-written envelope.
/// </summary>
public sealed partial class SocialSecuritySandboxTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly FakeTimeProvider _clock = new(RsTestData.China(10, 0));
    private SocialSecuritySandbox _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = RsTestData.Gateway(_clock, new SocialSecuritySandboxSettings { DecisionDelay = TimeSpan.FromHours(1) });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Post_ValidEnrolment_ReceivedWithCaseNumber()
    {
        var answer = await PostAsync("RS1001", Json(Enrolment()));

        Assert.Equal("0000", answer.Code);
        Assert.Matches("^RS32030020261128[0-9]{5}$", answer.Body["AAZ002"]);
        Assert.Equal(1, _gateway.CaseCount);
    }

    [Fact]
    public async Task Post_Answer_DocumentedEnvelopeWithoutSign()
    {
        var transId = RsTestData.NewTransId();

        var answer = await PostAsync("RS1001", Json(Enrolment()), transId: transId);

        var head = answer.Envelope["head"]!.AsObject();
        Assert.Equal(["ret_code", "ret_msg", "trans_id"], head.Select(p => p.Key));
        Assert.Equal(transId, head["trans_id"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.String, answer.Envelope["body"]!.GetValueKind());
    }

    [Fact]
    public async Task Post_SameTransIdTwice_2001WithTheOriginalCaseNeverASecond()
    {
        var transId = RsTestData.NewTransId();
        var first = await PostAsync("RS1001", Json(Enrolment()), transId: transId);

        var second = await PostAsync("RS1001", Json(Enrolment()), transId: transId);

        Assert.Equal("2001", second.Code);
        Assert.Equal(first.Body["AAZ002"], second.Body["AAZ002"]);
        Assert.Equal(1, _gateway.CaseCount);
    }

    [Fact]
    public async Task Post_UnknownOrgCode_1001()
    {
        Assert.Equal("1001", (await PostAsync("RS1001", Json(Enrolment()), orgCode: "320300SQPX")).Code);
    }

    [Fact]
    public async Task Post_OtherKey_1001()
    {
        Assert.Equal("1001", (await PostAsync("RS1001", Json(Enrolment()), key: "another-key")).Code);
    }

    [Fact]
    public async Task Post_LowercaseHexSign_1001()
    {
        Assert.Equal("1001", (await PostAsync("RS1001", Json(Enrolment()), lowercaseSign: true)).Code);
    }

    [Fact]
    public async Task Post_SignedOverTheBodyWithOtherSpacing_1001()
    {
        var body = Json(Enrolment());

        Assert.Equal("1001", (await PostAsync("RS1001", body, signedBody: body.Replace(",", ", ", StringComparison.Ordinal))).Code);
    }

    [Theory]
    [InlineData(-301, "1001")]
    [InlineData(301, "1001")]
    [InlineData(-299, "0000")]
    [InlineData(299, "0000")]
    public async Task Post_TimestampOffByMoreThan300Seconds_1001(int seconds, string code)
    {
        Assert.Equal(code, (await PostAsync("RS1001", Json(Enrolment()), signedAt: _clock.GetUtcNow().AddSeconds(seconds))).Code);
    }

    [Fact]
    public async Task Post_ContentTypeNotJsonUtf8_1003()
    {
        Assert.Equal("1003", (await PostAsync("RS1001", Json(Enrolment()), contentType: "text/plain; charset=utf-8")).Code);
    }

    [Fact]
    public async Task Post_BodyAsObjectNotString_1003()
    {
        var answer = await SendAsync(envelope => envelope["body"] = JsonNode.Parse(Json(Enrolment())));

        Assert.Equal("1003", answer.Code);
    }

    [Fact]
    public async Task Post_HeadWithoutSign_1002NamingIt()
    {
        var answer = await SendAsync(envelope => envelope["head"]!.AsObject().Remove("sign"));

        Assert.Equal("1002", answer.Code);
        Assert.Contains("sign", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NumberValueInBody_1003()
    {
        var body = Json(Enrolment()).Replace("\"JFDC\":\"500\"", "\"JFDC\":500", StringComparison.Ordinal);

        var answer = await PostAsync("RS1001", body);

        Assert.Equal("1003", answer.Code);
        Assert.Contains("JFDC", answer.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task Post_OptionalFieldEmptyOrNull_1003(string? value)
    {
        var fields = new Dictionary<string, string?> { ["AAC002"] = RsTestData.Applicant.IdNumber, ["AAC003"] = "李明", ["AAC001"] = value, ["RZFS"] = "2", ["RZSJ"] = "20261128093000" };
        var body = JsonSerializer.Serialize(fields, Relaxed);

        Assert.Equal("1003", (await PostAsync("RS2001", body)).Code);
    }

    [Theory]
    [InlineData("RS1001", "AAC009")]
    [InlineData("RS1001", "AAE006")]
    [InlineData("RS1001", "AAE140")]
    public async Task Post_RequiredFieldMissing_1002NamingIt(string tradeCode, string field)
    {
        var fields = Enrolment();
        fields.Remove(field);

        var answer = await PostAsync(tradeCode, Json(fields));

        Assert.Equal("1002", answer.Code);
        Assert.Contains(field, answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_FaceRecognitionWithoutEvidence_1002NamingRzpz()
    {
        var body = Json(new() { ["AAC002"] = RsTestData.Applicant.IdNumber, ["AAC003"] = "李明", ["RZFS"] = "1", ["RZSJ"] = "20261128093000" });

        var answer = await PostAsync("RS2001", body);

        Assert.Equal("1002", answer.Code);
        Assert.Contains("RZPZ", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_EmploymentWithoutEmployer_1002NamingAab004()
    {
        var body = Json(new() { ["AAC002"] = RsTestData.Applicant.IdNumber, ["AAC003"] = "李明", ["AAE005"] = "13912345678", ["DJLX"] = "1", ["DJRQ"] = "20261116" });

        Assert.Contains("AAB004", (await PostAsync("RS4001", body)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AAC004", "3")]
    [InlineData("AAC005", "57")]
    [InlineData("AAB301", "320301")]
    [InlineData("AAE140", "110")]
    [InlineData("AAC009", "30")]
    [InlineData("JFDC", "600")]
    [InlineData("AAC006", "1985-06-12")]
    [InlineData("XYZ", "1")]
    public async Task Post_ValueOutsideCodeTableOrFormat_1003(string field, string value)
    {
        var fields = Enrolment();
        fields[field] = value;

        var answer = await PostAsync("RS1001", Json(fields));

        Assert.Equal("1003", answer.Code);
        Assert.Contains(field, answer.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("110,390")]
    [InlineData("110,110")]
    [InlineData("110, 310")]
    public async Task Post_FlexibleEmploymentTypesNotASubsetOf110And310_1003(string types)
    {
        var fields = Enrolment();
        fields.Remove("AAC009");
        fields.Remove("JFDC");
        fields["AAE140"] = types;
        fields["JFJS"] = "4800";
        fields["KSNY"] = "202612";

        Assert.Equal("1003", (await PostAsync("RS7001", Json(fields))).Code);
    }

    [Fact]
    public async Task Post_CertificateStartAfterEnd_1003()
    {
        var body = Json(new() { ["AAC002"] = RsTestData.Applicant.IdNumber, ["AAC003"] = "李明", ["AAE140"] = "110", ["QSNY"] = "202611", ["ZZNY"] = "202610" });

        Assert.Equal("1003", (await PostAsync("RS3001", body)).Code);
    }

    [Fact]
    public async Task Post_IdNumberWithBadCheckDigit_1004()
    {
        var fields = Enrolment();
        fields["AAC002"] = "320302198506121231";

        Assert.Equal("1004", (await PostAsync("RS1001", Json(fields))).Code);
    }

    [Fact]
    public async Task Post_BirthDateDisagreesWithIdNumber_1004()
    {
        var fields = Enrolment();
        fields["AAC006"] = "19850613";

        var answer = await PostAsync("RS1001", Json(fields));

        Assert.Equal("1004", answer.Code);
        Assert.Contains("AAC006", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnknownTradeCode_1003()
    {
        Assert.Equal("1003", (await PostAsync("RS9999", Json(Enrolment()))).Code);
    }

    [Fact]
    public async Task Post_TwentyOneCallsInOneSecond_9001OnTheTwentyFirst()
    {
        var codes = new List<string>();
        for (var i = 0; i < 21; i++)
        {
            codes.Add((await PostAsync("RS8001", Training())).Code);
        }

        Assert.All(codes.Take(20), c => Assert.Equal("0000", c));
        Assert.Equal("9001", codes[20]);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("0000", (await PostAsync("RS8001", Training())).Code);
    }

    [Theory]
    [InlineData(23, 0, "9003")]
    [InlineData(0, 59, "9003")]
    [InlineData(1, 0, "0000")]
    [InlineData(22, 59, "0000")]
    public async Task Post_ByItsClock_MaintenanceFrom23To01(int hour, int minute, string code)
    {
        // The small hours are the next morning's: a fake clock only runs forward.
        var at = RsTestData.China(hour, minute);
        _clock.SetUtcNow(at < _clock.GetUtcNow() ? at.AddDays(1) : at);

        Assert.Equal(code, (await PostAsync("RS8001", Training())).Code);
    }

    [Fact]
    public async Task Post_InstantCertificate_0001WithCertificateNumberAndCode()
    {
        var body = Json(new() { ["AAC002"] = RsTestData.Applicant.IdNumber, ["AAC003"] = "李明", ["AAE140"] = "110,310", ["QSNY"] = "202101", ["ZZNY"] = "202610" });

        var answer = await PostAsync("RS3001", body);

        Assert.Equal("0001", answer.Code);
        Assert.False(string.IsNullOrEmpty(answer.Body["ZMBH"]));
        Assert.False(string.IsNullOrEmpty(answer.Body["YZM"]));
    }

    [Fact]
    public async Task Query_SameCaseTooSoon_9001ThenAnsweredAfterTheInterval()
    {
        var aaz002 = (await PostAsync("RS8001", Training())).Body["AAZ002"];

        var first = await QueryAsync(aaz002);
        _clock.Advance(TimeSpan.FromMinutes(4));
        var tooSoon = await QueryAsync(aaz002);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var again = await QueryAsync(aaz002);

        Assert.Equal(["0000", "9001", "0000"], [first.Code, tooSoon.Code, again.Code]);
        Assert.Equal("0", first.Body["BLZT"]);
        Assert.False(first.Body.ContainsKey("BJSJ"));
        Assert.Equal(3, _gateway.QueriesFor(aaz002).Count);
    }

    [Fact]
    public async Task Query_AfterDecisionDelay_ApprovedWithDecisionTime()
    {
        var aaz002 = (await PostAsync("RS8001", Training())).Body["AAZ002"];
        _clock.Advance(TimeSpan.FromHours(1));

        var answer = await QueryAsync(aaz002);

        Assert.Equal("1", answer.Body["BLZT"]);
        Assert.Equal("20261128110000", answer.Body["BJSJ"]);
        Assert.Equal(aaz002, answer.Body["AAZ002"]);
    }

    [Fact]
    public async Task Query_UnknownCase_1003()
    {
        Assert.Equal("1003", (await QueryAsync("RS3203002026112899999")).Code);
    }

    private static Dictionary<string, string?> Enrolment() => new()
    {
        ["AAC002"] = RsTestData.Applicant.IdNumber,
        ["AAC003"] = RsTestData.Applicant.Name,
        ["AAC004"] = "1",
        ["AAC005"] = "01",
        ["AAC006"] = "19850612",
        ["AAE005"] = "13912345678",
        ["AAE006"] = "江苏省徐州市铜山区柳泉镇柳泉村三组56号",
        ["AAB301"] = "320312",
        ["AAE140"] = "170",
        ["AAC009"] = "10",
        ["JFDC"] = "500",
    };

    private static string Training() =>
        Json(new() { ["AAC002"] = RsTestData.Applicant.IdNumber, ["AAC003"] = "李明", ["AAE005"] = "13912345678", ["PXXM"] = "PX2026-1203", ["AAC011"] = "61" });

    private static string Json(Dictionary<string, string?> fields) => JsonSerializer.Serialize(fields, Relaxed);

    private Task<GatewayAnswer> QueryAsync(string aaz002) =>
        PostAsync("RS9001", Json(new() { ["AAZ002"] = aaz002 }));

    private Task<GatewayAnswer> PostAsync(
        string tradeCode, string body, string? transId = null, string orgCode = RsTestData.OrgCode, string key = RsTestData.SigningKey,
        bool lowercaseSign = false, string? signedBody = null, DateTimeOffset? signedAt = null, string contentType = "application/json; charset=utf-8")
    {
        transId ??= RsTestData.NewTransId();
        var timestamp = (signedAt ?? _clock.GetUtcNow()).ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var sign = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key),
            Encoding.UTF8.GetBytes($"{tradeCode}|{transId}|{timestamp}|{signedBody ?? body}")));
        var envelope = new JsonObject
        {
            ["head"] = new JsonObject
            {
                ["trade_code"] = tradeCode,
                ["trans_id"] = transId,
                ["org_code"] = orgCode,
                ["timestamp"] = timestamp,
                ["sign"] = lowercaseSign ? sign.ToLowerInvariant() : sign,
            },
            ["body"] = body,
        };
        return SendAsync(envelope, contentType);
    }

    private Task<GatewayAnswer> SendAsync(Action<JsonObject> change)
    {
        var transId = RsTestData.NewTransId();
        var timestamp = _clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var body = Json(Enrolment());
        var envelope = new JsonObject
        {
            ["head"] = new JsonObject
            {
                ["trade_code"] = "RS1001",
                ["trans_id"] = transId,
                ["org_code"] = RsTestData.OrgCode,
                ["timestamp"] = timestamp,
                ["sign"] = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(RsTestData.SigningKey),
                    Encoding.UTF8.GetBytes($"RS1001|{transId}|{timestamp}|{body}"))),
            },
            ["body"] = body,
        };
        change(envelope);
        return SendAsync(envelope, "application/json; charset=utf-8");
    }

    private async Task<GatewayAnswer> SendAsync(JsonObject envelope, string contentType)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(envelope.ToJsonString()));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var response = await Http.PostAsync(new Uri(_gateway.BaseUrl, "/si/gateway"), content);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        var body = JsonNode.Parse(answer["body"]!.GetValue<string>())!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        return new GatewayAnswer(answer, answer["head"]!["ret_code"]!.GetValue<string>(), answer["head"]!["ret_msg"]!.GetValue<string>(), body);
    }

    private sealed record GatewayAnswer(JsonObject Envelope, string Code, string Message, Dictionary<string, string> Body);
}
