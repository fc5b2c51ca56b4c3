using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Catalog;

[Collection(HubCollection.Name)]
public sealed class CatalogApiTests(HubFixture hub)
{
    private readonly HttpClient _client = hub.CreateClient();

    [Fact]
    public async Task ListItems_NoFilter_Returns65Of19OnlineAsCamelCaseJson()
    {
        using var response = await _client.GetAsync("/api/v1/service-items");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(65, body!["total"]!.GetValue<int>());
        var items = body["items"]!.AsArray();
        Assert.Equal(65, items.Count);
        Assert.Equal(19, items.Count(i => i!["online"]!.GetValue<bool>()));
        Assert.Equal("流动人口居住登记", items[0]!["nameZh"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("?department=GA", 10)]
    [InlineData("?department=fg", 9)]
    [InlineData("?department=RS&online=true", 8)]
    [InlineData("?online=true", 19)]
    [InlineData("?online=false", 46)]
    [InlineData("?department=MZ&online=true", 0)]
    [InlineData("?q=居住证", 2)]
    [InlineData("?q=RESIDENCE%20PERMIT", 2)]
    [InlineData("?q=%E6%AE%8B%E7%96%BE&department=CL", 7)]
    [InlineData("?q=pension&online=false", 3)]
    public async Task ListItems_FilterOrQuery_ReturnsOnlyMatchingItems(string query, int expected)
    {
        var body = await _client.GetFromJsonAsync<JsonObject>("/api/v1/service-items" + query);

        Assert.Equal(expected, body!["total"]!.GetValue<int>());
        Assert.Equal(expected, body["items"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("?department=XX", "department")]
    [InlineData("?online=maybe", "online")]
    public async Task ListItems_BadFilter_Returns400ProblemNamingTheField(string query, string field)
    {
        using var response = await _client.GetAsync("/api/v1/service-items" + query);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(problem!["errors"]![field]);
    }

    [Fact]
    public async Task GetItem_OnlineItem_CarriesFormAndApplicantSchemas()
    {
        var item = await _client.GetFromJsonAsync<JsonObject>("/api/v1/service-items/GA-001");

        Assert.True(item!["online"]!.GetValue<bool>());
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", item["formSchema"]!["$schema"]!.GetValue<string>());
        Assert.NotNull(item["formSchema"]!["properties"]!["dwellingType"]);
        Assert.NotNull(item["applicantSchema"]!["properties"]!["idNumber"]);
        Assert.Equal("/api/v1/service-items/GA-001/guide", item["guideUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetItem_GuideOnlyItem_HasNoFormSchema()
    {
        var item = await _client.GetFromJsonAsync<JsonObject>("/api/v1/service-items/mz-002");

        Assert.Equal("MZ-002", item!["code"]!.GetValue<string>());
        Assert.False(item["online"]!.GetValue<bool>());
        Assert.Null(item["formSchema"]);
    }

    [Theory]
    [InlineData("/api/v1/service-items/XX-999")]
    [InlineData("/api/v1/service-items/XX-999/guide")]
    public async Task GetItem_UnknownCode_Returns404Problem(string path)
    {
        using var response = await _client.GetAsync(path);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("XX-999", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetGuide_GuideOnlyItem_ReturnsItsFullGuide()
    {
        var guide = await _client.GetFromJsonAsync<JsonObject>("/api/v1/service-items/MZ-002/guide");

        Assert.Equal("MZ-002", guide!["itemCode"]!.GetValue<string>());
        Assert.True(guide["faq"]!.AsArray().Count >= 2);
        Assert.True(guide["materials"]!.AsArray().Count >= 1);
    }

    [Fact]
    public async Task GetGuide_NoLawSetsALimit_SendsNullLimitsAndTheFactsWithSourcesOrWhomToAsk()
    {
        var guide = await _client.GetFromJsonAsync<JsonObject>("/api/v1/service-items/GA-001/guide");

        Assert.True(guide!.ContainsKey("statutoryTimeLimitDays"));
        Assert.Null(guide["statutoryTimeLimitDays"]);
        Assert.Equal("法律法规未设定", guide["statutoryTimeLimitSource"]!.GetValue<string>());
        Assert.Null(guide["committedTimeLimitDays"]);
        Assert.StartsWith("12345（", guide["enquiryPhone"]!.GetValue<string>(), StringComparison.Ordinal);
        var facts = guide["localFacts"]!.AsArray().ToDictionary(f => f!["id"]!.GetValue<string>());
        Assert.Equal("12345", facts["hotline"]!["value"]!.GetValue<string>());
        Assert.NotNull(facts["hotline"]!["source"]);
        Assert.Equal("到达后7日内", facts["ga-001-declaration-period"]!["value"]!.GetValue<string>());
        Assert.Null(facts["service-hours"]!["value"]);
        Assert.Contains("12345", facts["service-hours"]!["askAt"]!.GetValue<string>(), StringComparison.Ordinal);
        var basis = guide["legalBasis"]!.AsArray()[0]!;
        Assert.Equal("第十五条第一款", basis["article"]!.GetValue<string>());
        Assert.Equal("原文", basis["textKind"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetGuide_LawSetsALimit_SendsItsDaysUnitAndArticle()
    {
        var guide = await _client.GetFromJsonAsync<JsonObject>("/api/v1/service-items/FG-002/guide");

        Assert.Equal(3, guide!["statutoryTimeLimitDays"]!.GetValue<int>());
        Assert.Equal("工作日", guide["statutoryTimeLimitUnit"]!.GetValue<string>());
        Assert.StartsWith("《商品房屋租赁管理办法》第十六条", guide["statutoryTimeLimitSource"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/service-items")]
    [InlineData("/api/v1/service-items?online=true")]
    [InlineData("/api/v1/service-items/RS-003")]
    [InlineData("/api/v1/service-items/RS-003/guide")]
    public async Task Read_IfNoneMatchCurrentETag_Returns304WithoutBody(string path)
    {
        using var first = await _client.GetAsync(path);
        var etag = first.Headers.ETag!;
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(etag);

        using var second = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, second.Headers.ETag);
    }

    [Fact]
    public async Task Read_IfNoneMatchOtherETag_Returns200()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/service-items/GA-001");
        request.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"stale\""));

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Read_DifferentFilters_HaveDifferentETags()
    {
        using var all = await _client.GetAsync("/api/v1/service-items");
        using var online = await _client.GetAsync("/api/v1/service-items?online=true");

        Assert.NotEqual(all.Headers.ETag, online.Headers.ETag);
    }
}
