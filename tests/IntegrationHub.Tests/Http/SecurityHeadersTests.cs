using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Functions;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Http;

/// <summary>
/// The headers every answer carries: <c>nosniff</c>, no <c>Server</c>, and <c>Cache-Control: no-store</c> on every
/// answer that can carry personal data; only the public catalog stays cacheable. Both hosts: the local one over HTTP,
/// the Functions one through its result executor.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class SecurityHeadersTests(HubFixture hub)
{
    [Fact]
    public async Task PersonalDataAnswers_AreNoStoreNosniffWithoutServer()
    {
        using var submitted = await hub.SubmitAsync(IntakeTests.Sample("GA-001"));
        var id = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        using var platform = hub.CreateClient();
        using var portal = await hub.CreatePortalClientAsync();
        using var signIn = await platform.PostAsJsonAsync("/api/v1/portal/session", new { user = HubFixture.OperatorUser, password = HubFixture.Password });

        var answers = new List<(string What, HttpResponseMessage Response)>
        {
            ("submit", submitted),
            ("sign-in", signIn),
            ("application", await platform.GetAsync($"/api/v1/applications/{id}")),
            ("events", await platform.GetAsync("/api/v1/events")),
            ("portal me", await portal.GetAsync("/api/v1/portal/me")),
            ("portal dashboard", await portal.GetAsync("/api/v1/portal/dashboard")),
            ("portal search", await portal.GetAsync($"/api/v1/portal/handoffs?applicationId={id}&item=GA-001")),
            ("portal search by body", await portal.PostAsJsonAsync("/api/v1/portal/handoffs/search", new { idNumber = "11010519491231002X" })),
            ("portal detail", await portal.GetAsync($"/api/v1/portal/handoffs/{id}")),
            ("portal reveal", await portal.PostAsJsonAsync($"/api/v1/portal/handoffs/{id}/reveal", new { field = "idNumber", reason = "核对身份" })),
            ("portal unacknowledged", await portal.GetAsync("/api/v1/portal/unacknowledged")),
            ("portal audit", await portal.GetAsync("/api/v1/portal/audit")),
        };

        foreach (var (what, response) in answers)
        {
            Assert.True(response.IsSuccessStatusCode, $"{what}: {response.StatusCode}");
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: Cache-Control {response.Headers.CacheControl}");
            AssertNosniffWithoutServer(what, response);
            response.Dispose();
        }
    }

    [Theory]
    [InlineData("/api/v1/service-items?online=true", "public, max-age=60")]
    [InlineData("/api/v1/service-items/GA-001/guide", "public, max-age=60")]
    [InlineData("/api/v1/portal/ui/", "no-cache")]
    public async Task PublicAnswers_KeepTheirOwnCaching(string path, string cacheControl)
    {
        using var client = hub.CreateClient(apiKey: null);
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(cacheControl, response.Headers.CacheControl!.ToString());
        AssertNosniffWithoutServer(path, response);
    }

    [Theory]
    [InlineData("GET", "/api/v1/applications/any", HttpStatusCode.Unauthorized)]
    [InlineData("GET", "/api/v1/no-such-route", HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/applications", HttpStatusCode.Unauthorized)]
    [InlineData("GET", "/api/v1/health", HttpStatusCode.OK)]
    public async Task EveryAnswer_IsNosniffWithoutServer(string method, string path, HttpStatusCode status)
    {
        using var client = hub.CreateClient(apiKey: null);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"Cache-Control {response.Headers.CacheControl}");
        AssertNosniffWithoutServer(path, response);
    }

    [Fact]
    public async Task FunctionsResults_CarryTheSameHeaders()
    {
        var catalog = ActivatorUtilities.CreateInstance<CatalogFunctions>(hub.Services);
        var applications = ActivatorUtilities.CreateInstance<ApplicationFunctions>(hub.Services);
        var listed = NewContext();
        var refused = NewContext();

        await Execute(catalog.ListServiceItems(listed.Request), listed);
        await Execute(await applications.GetApplication(refused.Request, "any"), refused);

        Assert.Equal("public, max-age=60", listed.Response.Headers.CacheControl.ToString());
        Assert.Equal("nosniff", listed.Response.Headers.XContentTypeOptions.ToString());
        Assert.Equal(401, refused.Response.StatusCode);
        Assert.Equal("no-store", refused.Response.Headers.CacheControl.ToString());
        Assert.Equal("nosniff", refused.Response.Headers.XContentTypeOptions.ToString());
    }

    private static void AssertNosniffWithoutServer(string what, HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff", $"{what}: no nosniff");
        Assert.False(response.Headers.Contains("Server"), $"{what}: Server {string.Join(",", response.Headers.Server)}");
    }

    private DefaultHttpContext NewContext()
    {
        var context = new DefaultHttpContext { RequestServices = hub.Services };
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static Task Execute(IActionResult result, HttpContext context) =>
        result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
}
