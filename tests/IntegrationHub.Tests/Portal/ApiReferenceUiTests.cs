using IntegrationHub.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IntegrationHub.Tests.Portal;

/// <summary>The interactive reference (Scalar.AspNetCore) at /api/v1/docs renders the hub's document in real headless Chromium.</summary>
[Collection(PortalCollection.Name)]
public sealed class ApiReferenceUiTests(HubFixture hub, PortalBrowser browser)
{
    [Fact]
    public async Task Reference_Opened_RendersTheCatalogPortalAndDepartmentOperations()
    {
        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 1000 } });
        var page = await context.NewPageAsync();

        var answer = await page.GotoAsync(new Uri(hub.BaseAddress, "/api/v1/docs").ToString());

        Assert.Equal(200, answer!.Status);
        Assert.EndsWith("/api/v1/docs/", page.Url, StringComparison.Ordinal);
        await Expect(page.GetByText("IntegrationHub unified service-item API").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByText("List the 65 community service items").First).ToBeVisibleAsync();
        foreach (var (group, operation) in new[] { ("portal", "Sign in with a local account; sets the hub_portal cookie"), ("departments", "公安 decision notifications") })
        {
            await page.GetByRole(AriaRole.Button, new() { Name = $"Open Group - {group}", Exact = true }).First.ClickAsync();
            await Expect(page.GetByText(operation).First).ToBeVisibleAsync();
        }

        var folder = Environment.GetEnvironmentVariable("HUB_ARTIFACTS") is { Length: > 0 } configured ? configured : Path.Combine(Azurite.RepoRoot(), "artifacts");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "api-reference.png") });
    }
}
