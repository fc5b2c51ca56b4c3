using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IntegrationHub.Tests.Portal;

/// <summary>
/// One operator's browser tab on the portal, speaking the tests' language (sign in, search, open a hand-off),
/// and recording every portal API response and every script or CSP error the page produced.
/// </summary>
internal sealed class PortalTab : IAsyncDisposable
{
    public const string PagePath = "/api/v1/portal/ui/";

    private readonly Lock _gate = new();
    private readonly List<Task<(string Url, string Body)>> _responses = [];
    private readonly List<string> _errors = [];
    private readonly HubFixture _hub;

    private PortalTab(HubFixture hub, IBrowserContext context, IPage page)
    {
        _hub = hub;
        Context = context;
        Page = page;
        page.Response += (_, response) =>
        {
            var path = new Uri(response.Url).AbsolutePath;
            if (path.StartsWith("/api/v1/portal/", StringComparison.Ordinal) && !path.StartsWith(PagePath, StringComparison.Ordinal))
            {
                lock (_gate)
                {
                    _responses.Add(ReadAsync(response));
                }
            }
        };

        // A refused fetch (401 before sign-in, 403 for a viewer) is logged as "Failed to load resource": expected, not an error.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                lock (_gate)
                {
                    _errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_gate)
            {
                _errors.Add(error);
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Script errors and CSP violations seen so far (an inline style or script would show up here).</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_gate)
            {
                return [.. _errors];
            }
        }
    }

    public static async Task<PortalTab> OpenAsync(PortalBrowser browser, HubFixture hub)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = hub.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        var page = await context.NewPageAsync();
        var tab = new PortalTab(hub, context, page);
        await page.GotoAsync(PagePath);
        await Expect(page.Locator("#view-signin")).ToBeVisibleAsync();
        return tab;
    }

    public async Task SignInAsync(string user, string password = HubFixture.Password)
    {
        await Page.GetByLabel("用户名").FillAsync(user);
        await Page.GetByLabel("密码").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(Page.Locator("#session-user")).ToHaveTextAsync(user);
        await Expect(Page.Locator("#view-dashboard .dept-card").First).ToBeVisibleAsync();
    }

    public ILocator DepartmentCard(string department) => Page.Locator($".dept-card[data-department='{department}']");

    public ILocator StateCount(string department, string state) =>
        DepartmentCard(department).Locator($".state-cell[data-state='{state}'] .state-count");

    public async Task ShowAsync(string navLabel, string view)
    {
        await Page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = navLabel, Exact = true }).ClickAsync();
        await Expect(Page.Locator($"#view-{view}")).ToBeVisibleAsync();
    }

    /// <summary>Fills the 查询 form with the given filters only and waits for the results.</summary>
    public async Task SearchAsync(string? department = null, string? state = null, string? idNumber = null, string? item = null)
    {
        await ShowAsync("查询", "search");
        var form = Page.Locator("#search-form");
        await form.GetByRole(AriaRole.Button, new() { Name = "重置" }).ClickAsync();
        await form.Locator("select[name='department']").SelectOptionAsync(department ?? "");
        await form.Locator("select[name='state']").SelectOptionAsync(state ?? "");
        await form.Locator("input[name='item']").FillAsync(item ?? "");
        await form.GetByLabel("身份证号").FillAsync(idNumber ?? "");
        await Page.RunAndWaitForResponseAsync(
            () => form.GetByRole(AriaRole.Button, new() { Name = "查询", Exact = true }).ClickAsync(),
            r => r.Url.EndsWith("/api/v1/portal/handoffs/search", StringComparison.Ordinal));
        await Expect(Page.Locator("#search-total")).Not.ToBeEmptyAsync();
    }

    public ILocator ResultRow(string applicationId) => Page.Locator($"#search-results tr[data-application-id='{applicationId}']");

    /// <summary>Opens one hand-off's detail page as an operator would after a search, and waits for its timeline.</summary>
    public async Task OpenHandoffAsync(string applicationId)
    {
        if (await ResultRow(applicationId).CountAsync() == 1)
        {
            await ResultRow(applicationId).GetByRole(AriaRole.Link, new() { Name = applicationId }).ClickAsync();
        }
        else
        {
            await Page.EvaluateAsync("id => { location.hash = '#/handoffs/' + encodeURIComponent(id); }", applicationId);
        }

        await Expect(Page.Locator("#detail-title")).ToContainTextAsync(applicationId);
        await Expect(Page.Locator("#timeline")).ToBeVisibleAsync();
    }

    public async Task RefreshDetailAsync()
    {
        await Page.RunAndWaitForResponseAsync(
            () => Page.GetByRole(AriaRole.Button, new() { Name = "刷新" }).ClickAsync(),
            r => r.Url.Contains("/api/v1/portal/handoffs/", StringComparison.Ordinal));
        await Expect(Page.Locator("#timeline")).ToBeVisibleAsync();
    }

    public ILocator Dialog => Page.Locator("dialog[open]");

    /// <summary>Confirms the open dialog (with a reason when it asks for one) and returns the API's answer.</summary>
    public async Task<IResponse> ConfirmAsync(string apiPathPart, string? reason = null)
    {
        await Expect(Dialog).ToBeVisibleAsync();
        if (reason is not null)
        {
            await Dialog.GetByLabel("原因（必填）").FillAsync(reason);
        }

        var response = await Page.RunAndWaitForResponseAsync(
            () => Dialog.GetByRole(AriaRole.Button, new() { Name = "确定" }).ClickAsync(),
            r => r.Url.Contains(apiPathPart, StringComparison.Ordinal) && r.Request.Method == "POST");
        await Expect(Dialog).ToHaveCountAsync(0);
        return response;
    }

    /// <summary>The session cookie the browser holds (HttpOnly, so only the browser, not the page's script, can read it).</summary>
    public async Task<string> SessionCookieAsync() =>
        (await Context.CookiesAsync()).Single(c => c.Name == IntegrationHub.Portal.PortalAuth.Cookie).Value;

    /// <summary>An HTTP client carrying this tab's session cookie, to read the portal API as the page does.</summary>
    public async Task<HttpClient> ApiClientAsync()
    {
#pragma warning disable CA2000 // The client owns the handler and disposes it.
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _hub.BaseAddress };
#pragma warning restore CA2000
        client.DefaultRequestHeaders.Add("Cookie", $"{IntegrationHub.Portal.PortalAuth.Cookie}={await SessionCookieAsync()}");
        return client;
    }

    /// <summary>Every portal API response the page received so far, with its body.</summary>
    public async Task<IReadOnlyList<(string Url, string Body)>> ApiResponsesAsync()
    {
        Task<(string, string)>[] pending;
        lock (_gate)
        {
            pending = [.. _responses];
        }

        return await Task.WhenAll(pending);
    }

    public async Task ScreenshotAsync(string fileName)
    {
        var folder = Environment.GetEnvironmentVariable("HUB_ARTIFACTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Azurite.RepoRoot(), "artifacts");
        Directory.CreateDirectory(folder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, fileName), FullPage = true });
    }

    public static JsonNode? Json(string body) => string.IsNullOrEmpty(body) ? null : JsonNode.Parse(body);

    /// <summary>True when <paramref name="text"/> holds <paramref name="value"/> as is or JSON-escaped (\uXXXX).</summary>
    public static bool Holds(string text, string value) =>
        text.Contains(value, StringComparison.Ordinal)
        || text.Contains(JsonEncodedText.Encode(value).ToString(), StringComparison.OrdinalIgnoreCase);

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        await Context.DisposeAsync();
    }

    private static async Task<(string Url, string Body)> ReadAsync(IResponse response)
    {
        try
        {
            return (response.Url, await response.TextAsync());
        }
        catch (PlaywrightException)
        {
            // A response without a body (204, or one the page navigated away from).
            return (response.Url, "");
        }
    }
}
