using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Portal;

/// <summary>The portal's HTTP surface without a browser: nothing but the page answers without a session, and the session cookie is out of script's reach.</summary>
[Collection(PortalCollection.Name)]
public sealed class PortalHttpTests(HubFixture hub)
{
    public static TheoryData<string, string> Endpoints() => new()
    {
        { "GET", "me" },
        { "GET", "dashboard" },
        { "GET", "handoffs" },
        { "GET", "handoffs?department=GA&state=Failed" },
        { "POST", "handoffs/search" },
        { "GET", "handoffs/any-id" },
        { "GET", "unacknowledged" },
        { "GET", "audit" },
        { "POST", "handoffs/any-id/replay" },
        { "POST", "handoffs/any-id/resolve" },
        { "POST", "handoffs/any-id/reveal" },
        { "POST", "replay" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task PortalEndpoint_WithoutSession_Is401(string method, string path)
    {
        using var client = Client();
        using var response = await SendAsync(client, method, path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task PortalEndpoint_WithForgedSession_Is401(string method, string path)
    {
        using var client = Client();
        var cookie = await SignInAsync(HubFixture.ViewerUser);
        var dot = cookie.IndexOf('.', StringComparison.Ordinal);

        // The viewer's own payload with the role raised to operator, under the viewer's signature.
        var raised = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(cookie[..dot]))).Replace("viewer", "operator", StringComparison.Ordinal);
        var forged = Convert.ToBase64String(Encoding.UTF8.GetBytes(raised)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        client.DefaultRequestHeaders.Add("Cookie", $"hub_portal={forged}{cookie[dot..]}");
        using var response = await SendAsync(client, method, path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Search_IdNumberInUrl_Is400AndNamesIt()
    {
        using var client = Client();
        client.DefaultRequestHeaders.Add("Cookie", $"hub_portal={await SignInAsync(HubFixture.OperatorUser)}");

        using var response = await client.GetAsync("/api/v1/portal/handoffs?idNumber=11010519491231002X");
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(problem!["errors"]!["idNumber"]);
    }

    [Fact]
    public async Task SignOut_OldCookie_IsRefusedAfterwards()
    {
        var cookie = await SignInAsync(HubFixture.ViewerUser);
        using var client = Client();
        client.DefaultRequestHeaders.Add("Cookie", $"hub_portal={cookie}");
        using (var before = await client.GetAsync("/api/v1/portal/me"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var signOut = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/v1/portal/session") { Content = JsonContent.Create(new { }) }))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        using var after = await client.GetAsync("/api/v1/portal/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task SignIn_Operator_SetsHttpOnlyStrictSessionCookie()
    {
        using var client = Client();
        using var response = await client.PostAsJsonAsync("/api/v1/portal/session", new { user = HubFixture.OperatorUser, password = HubFixture.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries);
        Assert.StartsWith("hub_portal=", attributes[0], StringComparison.Ordinal);
        Assert.Contains("httponly", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("path=/", attributes, StringComparer.OrdinalIgnoreCase);
        var session = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HubFixture.OperatorUser, session!["user"]!.GetValue<string>());
        Assert.Equal("operator", session["role"]!.GetValue<string>());

        client.DefaultRequestHeaders.Add("Cookie", attributes[0]);
        using var me = await client.GetAsync("/api/v1/portal/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task SignIn_WrongPassword_Is401WithoutCookie()
    {
        using var client = Client();
        using var response = await client.PostAsJsonAsync("/api/v1/portal/session", new { user = HubFixture.OperatorUser, password = "wrong-password" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("", "text/html")]
    [InlineData("portal.js", "text/javascript")]
    [InlineData("portal.css", "text/css")]
    public async Task Page_WithoutSession_IsServedUnderAStrictContentSecurityPolicy(string file, string contentType)
    {
        using var client = Client();
        using var response = await client.GetAsync($"/api/v1/portal/ui/{file}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_Sources_HaveNoInlineCodeAndNeverWriteHtml()
    {
        using var client = Client();
        var html = await client.GetStringAsync("/api/v1/portal/ui/");
        var script = await client.GetStringAsync("/api/v1/portal/ui/portal.js");

        Assert.DoesNotMatch(@"<script(?![^>]*\ssrc=)[^>]*>", html);
        Assert.DoesNotMatch(@"\sstyle\s*=", html);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        foreach (var sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function" })
        {
            Assert.DoesNotContain(sink, script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Page_UnknownFile_Is404()
    {
        using var client = Client();
        using var response = await client.GetAsync("/api/v1/portal/ui/secrets.json");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private HttpClient Client() => new(new HttpClientHandler { UseCookies = false }) { BaseAddress = hub.BaseAddress };

    private async Task<string> SignInAsync(string user)
    {
        using var client = Client();
        using var response = await client.PostAsJsonAsync("/api/v1/portal/session", new { user, password = HubFixture.Password });
        response.EnsureSuccessStatusCode();
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        return setCookie[(setCookie.IndexOf('=', StringComparison.Ordinal) + 1)..setCookie.IndexOf(';', StringComparison.Ordinal)];
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        var url = $"/api/v1/portal/{path}";
        return method == "GET"
            ? await client.GetAsync(url)
            : await client.PostAsJsonAsync(url, new { reason = "测试原因", field = "idNumber", department = "GA" });
    }

    private static string Pad(string base64Url)
    {
        var padded = base64Url.Replace('-', '+').Replace('_', '/');
        return padded + new string('=', (4 - padded.Length % 4) % 4);
    }
}
