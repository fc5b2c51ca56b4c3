using System.Net;
using System.Text.Json.Nodes;
using IntegrationHub.Communities;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Communities;

[Collection(HubCollection.Name)]
public sealed class CommunitiesApiTests(HubFixture hub)
{
    private static readonly Dictionary<string, string> Districts = new() { ["320302"] = "鼓楼区", ["320303"] = "云龙区" };

    [Fact]
    public async Task List_Public_AnswersTheThreeCommunitiesOfTheCitysReportWithUnknownFactsMarkedAsSample()
    {
        using var client = hub.CreateClient(apiKey: null);

        var list = JsonNode.Parse(await client.GetStringAsync("/api/v1/communities"))!;

        var communities = list["communities"]!.AsArray();
        Assert.Equal(3, list["total"]!.GetValue<int>());
        Assert.Equal(["蝶梦社区", "下淀社区", "康居社区"], communities.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(["320303", "320302"], communities.Take(2).Select(c => c!["district"]!["code"]!.GetValue<string>()));

        // Nothing the hub does not know is presented as a fact: street, hall, hours and counters are sample data for all
        // three, and 康居社区's district too (the report names no district for it).
        Assert.All(communities, c => Assert.Superset(
            new HashSet<string> { "street", "serviceHall.address", "serviceHall.openingHours", "serviceHall.counters" },
            c!["sampleData"]!.AsArray().Select(f => f!.GetValue<string>()).ToHashSet()));
        Assert.Contains("district", communities[2]!["sampleData"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.All(communities, c => Assert.Contains("示例", c!["serviceHall"]!["address"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_KnownCode_AnswersItWithAnETagAnd304WhenUnchanged()
    {
        using var client = hub.CreateClient(apiKey: null);

        using var first = await client.GetAsync("/api/v1/communities/xiadian");
        var body = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/communities/XIADIAN");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await client.SendAsync(again);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("下淀社区", body["name"]!.GetValue<string>());
        Assert.Equal(2, body["serviceHall"]!["counters"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task Get_UnknownCode_Answers404Problem()
    {
        using var client = hub.CreateClient(apiKey: null);

        using var response = await client.GetAsync("/api/v1/communities/NOWHERE");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void Registry_Embedded_LoadsAndGroupsCommunitiesByStreet()
    {
        var registry = CommunityRegistry.LoadEmbedded();

        Assert.Equal(["DIEMENG", "KANGJU"], registry.OfStreet("SAMPLE-YL-1").Select(c => c.Code));
        Assert.Equal("蝶梦社区", registry.Find(" diemeng ")!.Name);
    }

    [Theory]
    [InlineData("""{"code":"X1","name":"甲社区"}""", "district")]
    [InlineData("""{"code":"AB-1","name":"甲社区","district":{"code":"110105","name":"朝阳区"},"street":{"code":"S-1","name":"街道"},"serviceHall":{"address":"地址","openingHours":[],"counters":1},"sampleData":[],"source":"来源"}""", "GB/T 2260")]
    [InlineData("""{"code":"AB-1","name":"甲社区","district":{"code":"320302","name":"鼓楼区"},"street":{"code":"S-1","name":"街道"},"serviceHall":{"address":"地址","openingHours":[{"days":[8],"opens":"09:00","closes":"08:00"}],"counters":1},"sampleData":["phone"],"source":"来源"}""", "sampleData names 'phone'")]
    [InlineData("""{"code":"AB-1","name":"甲社区","district":{"code":"320302","name":"鼓楼区"},"street":{"code":"S-1","name":"街道"},"serviceHall":{"address":"地址","openingHours":[],"counters":1},"sampleData":[],"source":"来源","phone":"123"}""", "not in the documented format")]
    public void Registry_BadEntry_RefusedNamingTheRule(string entry, string expected)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => CommunityRegistry.Parse($"[{entry}]", Districts));

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registry_DuplicateCode_Refused()
    {
        const string entry = """{"code":"AB-1","name":"甲社区","district":{"code":"320302","name":"鼓楼区"},"street":{"code":"S-1","name":"街道"},"serviceHall":{"address":"地址","openingHours":[],"counters":1},"sampleData":[],"source":"来源"}""";

        var failure = Assert.Throws<InvalidOperationException>(() => CommunityRegistry.Parse($"[{entry},{entry}]", Districts));

        Assert.Contains("AB-1 is used 2 times", failure.Message, StringComparison.Ordinal);
    }
}
