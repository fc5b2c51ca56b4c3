using IntegrationHub.Tests.Fixtures;
using Microsoft.Playwright;

namespace IntegrationHub.Tests.Portal;

/// <summary>
/// One headless Debian Chromium driven by Playwright, shared by the portal tests; each test opens its own
/// browser context, so sessions never leak between tests. Closed and disposed with the collection.
/// </summary>
public sealed class PortalBrowser : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"Chromium is not installed at {Chromium}: run ./hub test, which installs it.");
        }

        // Generous waits: the whole suite shares two threads with other hubs, and deliveries run on queue polling.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>The portal tests' own hub (their simulator faults hit no other test's deliveries) and browser.</summary>
[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<HubFixture>, ICollectionFixture<PortalBrowser>
{
    public const string Name = "portal";
}
