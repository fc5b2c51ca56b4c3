using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Http;

/// <summary>How bodies are read, on the intake and the portal alike: exact media types, strict JSON, canonical fingerprints.</summary>
[Collection(HubCollection.Name)]
public sealed class RequestBodyTests(HubFixture hub)
{
    private const string Valid = """{"itemCode":"GA-004","applicant":{"name":"张三","idNumber":"11010519491231002X","phone":"13812345678","ethnicity":"01","district":"320302"},"form":{"purpose":"01"}}""";

    public static TheoryData<string, string, string> BrokenBodies() => new()
    {
        { "duplicate key", Valid.Replace("\"purpose\":\"01\"", "\"purpose\":\"01\",\"purpose\":\"02\"", StringComparison.Ordinal), "body" },
        { "lone surrogate", Valid.Replace("张三", "\\ud800", StringComparison.Ordinal), "applicant.name" },
        { "low surrogate first", Valid.Replace("张三", "\\udfb7\\ud842", StringComparison.Ordinal), "applicant.name" },
        { "number beyond decimal", Valid.Replace("\"13812345678\"", "1e29", StringComparison.Ordinal), "applicant.phone" },
        { "wrong element types", Valid.Replace("\"form\":{\"purpose\":\"01\"}", "\"form\":{\"purpose\":[\"x\",{}]}", StringComparison.Ordinal), "form.purpose" },
        { "nested too deep", Valid.Replace("\"01\"", new string('[', 20) + new string(']', 20), StringComparison.Ordinal), "body" },
    };

    [Theory]
    [MemberData(nameof(BrokenBodies))]
    public async Task Submit_BrokenJson_Answers400ProblemNamingWhereAndStoresNothing(string why, string json, string field)
    {
        var before = await IntakeTests.CountStoredAsync(hub);

        using var response = await SubmitAsync(Encoding.UTF8.GetBytes(json), "application/json");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field, why);
        Assert.Equal(before, await IntakeTests.CountStoredAsync(hub));
    }

    [Fact]
    public async Task Submit_InvalidUtf8_Answers400ProblemWithTheByteAndStoresNothing()
    {
        var before = await IntakeTests.CountStoredAsync(hub);
        var bytes = Encoding.UTF8.GetBytes(Valid);
        var at = Valid.IndexOf("张三", StringComparison.Ordinal);
        bytes[Encoding.UTF8.GetByteCount(Valid[..at])] = 0xFF;

        using var response = await SubmitAsync(bytes, "application/json");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "body", "invalid UTF-8");
        Assert.Contains("UTF-8", problem["errors"]!["body"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await IntakeTests.CountStoredAsync(hub));
    }

    [Theory]
    [InlineData("application/jsonx")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; boundary=x")]
    [InlineData("text/json")]
    [InlineData("application/json-patch+json")]
    public async Task Submit_MediaTypeOtherThanJsonInUtf8_Answers415Problem(string contentType)
    {
        using var response = await SubmitAsync(Encoding.UTF8.GetBytes(Valid), contentType);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "body", contentType);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("Application/JSON")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json;charset=UTF-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    public async Task Submit_JsonWithOrWithoutUtf8Charset_IsAccepted(string contentType)
    {
        using var response = await SubmitAsync(Encoding.UTF8.GetBytes(Valid), contentType);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Submit_SameJsonReorderedRespelledAndRetrimmedUnderTheSameKey_IsAReplayNotAConflict()
    {
        var key = Guid.NewGuid().ToString();
        var first = IntakeTests.Sample("FG-002");
        var again = JsonNode.Parse("""
            {"form":{"leaseEnd":"2027-11-30","leaseStart":"2026-12-01","monthlyRentYuan":2150.50,"areaSqm":8947e-2,
                     "address":" 江苏省徐州市鼓楼区黄楼街道中山北路218号中山名苑6号楼1单元1202室","propertyCertificateNo":"苏(2020)徐州市不动产权第0058713号",
                     "landlord":{"idNumber":"320302196504123153","name":"王建国\u3000"}},
             "applicant":{"district":"320302","ethnicity":"01","phone":"13812345678","idNumber":"11010519491231002X","name":"张三"},
             "itemCode":"FG-002"}
            """)!.AsObject();

        // FG-002 takes two materials: both bodies name the same uploaded files (issue 11).
        first = await hub.WithMaterialsAsync(first);
        again["materials"] = first["materials"]!.DeepClone();

        using var created = await SubmitAsync(first, key);
        using var replayed = await SubmitAsync(again, key);

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, replayed.StatusCode);
        Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(
            (await created.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>(),
            (await replayed.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Submit_ReorderedJsonWithOneValueChangedUnderTheSameKey_Is409()
    {
        var key = Guid.NewGuid().ToString();
        var other = JsonNode.Parse(Valid.Replace("\"01\"}", "\"02\"}", StringComparison.Ordinal))!.AsObject();
        var reordered = new JsonObject { ["form"] = other["form"]!.DeepClone(), ["applicant"] = other["applicant"]!.DeepClone(), ["itemCode"] = "GA-004" };

        using var created = await SubmitAsync(JsonNode.Parse(Valid)!.AsObject(), key);
        using var conflict = await SubmitAsync(reordered, key);

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
    }

    public static TheoryData<string, string> PortalBodies() => new()
    {
        { "portal/handoffs/search", "{\"idNumber\":\"\\ud800\"}" },
        { "portal/handoffs/search", "{\"item\":\"GA-001\",\"item\":\"GA-002\"}" },
        { "portal/handoffs/search", "{\"item\":1e29}" },
        { "portal/handoffs/search", "[\"x\"]" },
        { "portal/handoffs/nosuch/reveal", "{\"field\":\"name\",\"reason\":\"\\udc00核实\"}" },
        { "portal/handoffs/nosuch/reveal", "{\"field\":\"name\",\"field\":\"phone\",\"reason\":\"核实身份\"}" },
        { "portal/handoffs/nosuch/reveal", "{\"field\":[\"name\"],\"reason\":1e300}" },
        { "portal/handoffs/nosuch/resolve", "{\"reason\":\"\\ud83d\"}" },
        { "portal/session", "{\"user\":\"\\udfff\",\"password\":\"x\"}" },
    };

    [Theory]
    [MemberData(nameof(PortalBodies))]
    public async Task Portal_BodyWithLoneSurrogateDuplicateKeyHugeNumberOrWrongTypes_Answers400Problem(string path, string json)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = hub.BaseAddress };
        var cookie = await hub.PortalCookieAsync(HubFixture.OperatorUser);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/{path}") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Cookie", cookie);

        // As the portal page sends it, so that only the body is wrong.
        request.Headers.Add("Origin", hub.BaseAddress.GetLeftPart(UriPartial.Authority));
        request.Headers.Add("Sec-Fetch-Site", "same-origin");

        using var response = await client.SendAsync(request);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(problem!["errors"]);
    }

    private async Task<HttpResponseMessage> SubmitAsync(byte[] body, string contentType)
    {
        using var client = hub.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/applications") { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> SubmitAsync(JsonObject body, string key) => await hub.SubmitAsync(body, key);

    private static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field, string why)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(problem!["errors"]?[field] is not null, $"{why}: errors were {problem["errors"]}");
        return problem;
    }
}
