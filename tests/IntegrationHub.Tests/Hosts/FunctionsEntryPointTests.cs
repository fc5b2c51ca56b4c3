using System.Text.Json.Nodes;
using IntegrationHub.Functions;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Hosts;

/// <summary>The Functions host cannot run here, so its entry points are called directly with the hub's services.</summary>
[Collection(HubCollection.Name)]
public sealed class FunctionsEntryPointTests(HubFixture hub)
{
    [Fact]
    public async Task ListServiceItems_Called_Answers65Items()
    {
        var functions = ActivatorUtilities.CreateInstance<CatalogFunctions>(hub.Services);
        var context = NewContext("?online=true");

        var (status, body) = await Execute(functions.ListServiceItems(context.Request), context);

        Assert.Equal(200, status);
        Assert.Equal(19, body!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task GetServiceItemGuide_UnknownCode_Answers404Problem()
    {
        var functions = ActivatorUtilities.CreateInstance<CatalogFunctions>(hub.Services);
        var context = NewContext();

        var (status, body) = await Execute(functions.GetServiceItemGuide(context.Request, "ZZ-000"), context);

        Assert.Equal(404, status);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Contains("ZZ-000", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetHealth_Called_AnswersHealthy()
    {
        var functions = ActivatorUtilities.CreateInstance<CatalogFunctions>(hub.Services);
        var context = NewContext();

        var (status, body) = await Execute(await functions.GetHealth(context.Request), context);

        Assert.Equal(200, status);
        Assert.Equal("healthy", body!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetCommunity_Called_AnswersTheCommunity()
    {
        var functions = ActivatorUtilities.CreateInstance<SuggestionFunctions>(hub.Services);
        var context = NewContext();

        var (status, body) = await Execute(functions.GetCommunity(context.Request, "KANGJU"), context);

        Assert.Equal(200, status);
        Assert.Equal("康居社区", body!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetApiReference_Called_AnswersScalarsPageOverTheDocumentAndItsBundle()
    {
        var functions = ActivatorUtilities.CreateInstance<CatalogFunctions>(hub.Services);
        var page = NewContext();
        page.Request.Path = "/api/v1/docs/";
        var bundle = NewContext();
        bundle.Request.Path = "/api/v1/docs/scalar.js";

        var (pageStatus, html) = await ExecuteText(functions.GetApiReference(page.Request, null), page);
        var (bundleStatus, script) = await ExecuteText(functions.GetApiReference(bundle.Request, "scalar.js"), bundle);

        Assert.Equal((200, "text/html"), (pageStatus, page.Response.ContentType!.Split(';')[0]));
        Assert.Contains("\"url\":\"api/v1/openapi.json\"", html, StringComparison.Ordinal); // Scalar resolves it against the page's base
        Assert.Contains("scalar.js", html, StringComparison.Ordinal);
        Assert.Equal((200, "text/javascript"), (bundleStatus, bundle.Response.ContentType!.Split(';')[0]));
        Assert.True(script.Length > 100_000, $"the bundle is {script.Length} characters");
        Assert.Equal("nosniff", page.Response.Headers.XContentTypeOptions.ToString());
    }

    private DefaultHttpContext NewContext(string query = "")
    {
        var context = new DefaultHttpContext { RequestServices = hub.Services };
        context.Request.QueryString = new QueryString(query);
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static async Task<(int Status, string Body)> ExecuteText(IActionResult result, DefaultHttpContext context)
    {
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    private static async Task<(int Status, JsonNode? Body)> Execute(IActionResult result, DefaultHttpContext context)
    {
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, context.Response.Body.Length == 0 ? null : JsonNode.Parse(context.Response.Body));
    }
}
