using System.Net;
using System.Net.Http.Json;
using System.Text;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Portal;

/// <summary>
/// Every portal call that changes something (each POST and DELETE) is served only from the portal's own origin and only
/// with a JSON body: a foreign Origin or a cross-origin Sec-Fetch-Site is refused with 403, a form body with 415, both
/// as problems, before anything is read or changed.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalOriginTests(HubFixture hub)
{
    public static TheoryData<string, string> StateChanging() => new()
    {
        { "POST", "session" },
        { "DELETE", "session" },
        { "POST", "handoffs/search" },
        { "POST", "handoffs/any-id/replay" },
        { "POST", "handoffs/any-id/resolve" },
        { "POST", "handoffs/any-id/reveal" },
        { "POST", "replay" },
        { "POST", "suggestions/any-id/steps" },
        { "POST", "suggestions/any-id/reveal" },
        { "POST", "appointments/any-id/outcome" },
        { "POST", "handoffs/any-id/materials/0/content" },
    };

    [Fact]
    public void StateChanging_CoversEveryPortalRouteThatIsNotARead()
    {
        var covered = StateChanging().Select(row => $"{row[0]} /api/v1/portal/{row[1]}".Replace("any-id", "{id}", StringComparison.Ordinal)
            .Replace("/materials/0/", "/materials/{n}/", StringComparison.Ordinal));
        var routes = Hosts.RouteTable.Local(hub.App).Where(r => r.Contains(" /api/v1/portal/", StringComparison.Ordinal) && !r.StartsWith("GET ", StringComparison.Ordinal));

        Assert.Equal(routes.Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(StateChanging))]
    public async Task StateChangingCall_ForeignOrigin_Is403Problem(string method, string path)
    {
        using var client = await OperatorAsync();

        // Another port of this very host: a different origin, but the same site, so a Strict cookie still goes along.
        foreach (var origin in new[] { "http://127.0.0.1:1", "https://attacker.example", "null" })
        {
            using var request = Request(method, path, JsonBody());
            request.Headers.Add("Origin", origin);
            using var response = await client.SendAsync(request);

            await AssertProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.False(response.Headers.Contains("Set-Cookie"));
        }
    }

    [Theory]
    [MemberData(nameof(StateChanging))]
    public async Task StateChangingCall_FetchMetadataNotSameOrigin_Is403Problem(string method, string path)
    {
        using var client = await OperatorAsync();

        foreach (var site in new[] { "same-site", "cross-site", "none" })
        {
            using var request = Request(method, path, JsonBody());
            request.Headers.Add("Sec-Fetch-Site", site);
            using var response = await client.SendAsync(request);

            await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }
    }

    [Theory]
    [MemberData(nameof(StateChanging))]
    public async Task StateChangingCall_FormOrNoBody_Is415Problem(string method, string path)
    {
        using var client = await OperatorAsync();

        using (var form = Request(method, path, new StringContent("reason=x&field=idNumber", Encoding.UTF8, "application/x-www-form-urlencoded")))
        using (var response = await client.SendAsync(form))
        {
            await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        }

        using var empty = Request(method, path, null);
        using var noBody = await client.SendAsync(empty);
        await AssertProblemAsync(noBody, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task SignInAndOut_FromThePortalsOwnOrigin_AreServed()
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = hub.BaseAddress };
        var own = hub.BaseAddress.GetLeftPart(UriPartial.Authority);

        using var signIn = Request("POST", "session", JsonContent.Create(new { user = HubFixture.OperatorUser, password = HubFixture.Password }));
        signIn.Headers.Add("Origin", own);
        signIn.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var signedIn = await client.SendAsync(signIn);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);

        using var signOut = Request("DELETE", "session", JsonBody());
        signOut.Headers.Add("Origin", own);
        signOut.Headers.Add("Sec-Fetch-Site", "same-origin");
        signOut.Headers.Add("Cookie", signedIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0]);
        using var signedOut = await client.SendAsync(signOut);
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"status\":" + (int)status, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static HttpRequestMessage Request(string method, string path, HttpContent? content) =>
        new(new HttpMethod(method), $"/api/v1/portal/{path}") { Content = content };

    private static JsonContent JsonBody() => JsonContent.Create(new
    {
        user = HubFixture.OperatorUser,
        password = HubFixture.Password,
        reason = "测试原因",
        field = "idNumber",
        department = "GA",
    });

    private Task<HttpClient> OperatorAsync() => hub.CreatePortalClientAsync();
}
