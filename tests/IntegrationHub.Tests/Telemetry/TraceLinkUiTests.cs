using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using IntegrationHub.Tests.Portal;
using static Microsoft.Playwright.Assertions;

namespace IntegrationHub.Tests.Telemetry;

/// <summary>The portal's timeline in real headless Chromium: each attempt's trace id opens the trace view.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TraceLinkUiTests(TelemetryFixture hub, PortalBrowser browser)
{
    [Fact]
    public async Task Timeline_Attempt_TraceIdLinksToTheTraceView()
    {
        using var response = await hub.SubmitAsync(IntakeTests.Sample("GA-006"));
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        var delivered = await hub.WaitForAsync(id, a => a["handoff"]!.GetValue<string>() == "Delivered");
        var traceId = delivered["timeline"]!.AsArray().First(e => e!["kind"]!.GetValue<string>() == "attempt")!["traceId"]!.GetValue<string>();

        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await tab.SignInAsync(HubFixture.ViewerUser);
        await tab.OpenHandoffAsync(id);

        var link = tab.Page.Locator("#timeline li[data-kind='attempt'] a.trace-link");
        await Expect(link).ToHaveTextAsync(traceId);
        await Expect(link).ToHaveAttributeAsync("href", TelemetryFixture.TraceView.Replace("{traceId}", traceId, StringComparison.Ordinal));
        await Expect(link).ToHaveAttributeAsync("target", "_blank");
        await tab.ScreenshotAsync("timeline-trace-link.png");
    }
}
