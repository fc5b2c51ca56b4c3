using System.Text.RegularExpressions;
using IntegrationHub.Tests.Fixtures;
using IntegrationHub.Tests.Portal;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IntegrationHub.Tests.Suggestions;

/// <summary>
/// The suggestion channel in real headless Chromium: a community worker (全科社工) takes a resident's suggestion with
/// photos from submission to Closed while the platform receives every step; a street supervisor reads the on-time chart.
/// Screenshots go to the artifacts folder.
/// </summary>
[Collection(SuggestionsCollection.Name)]
public sealed class SuggestionPortalUiTests(SuggestionsFixture hub, PortalBrowser browser)
{
    [Fact]
    public async Task CommunityWorker_SuggestionWithPhotos_FromSubmissionToClosedInTheBrowser_PlatformReceivesEachStep()
    {
        var id = await hub.NewSuggestionAsync(photos: 2);
        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await SignInAsync(tab, SuggestionsFixture.Worker);

        // The queue: this community's suggestions, ordered by time left, the resident's contact masked.
        await Expect(tab.Page.Locator("#session-role")).ToHaveTextAsync("全科社工");
        await Expect(tab.Page.Locator("nav [data-nav='dashboard']")).ToBeHiddenAsync();
        var row = tab.Page.Locator($"#suggestion-list tr[data-suggestion-id='{id}']");
        await Expect(row).ToContainTextAsync("蝶梦社区");
        await Expect(row).ToContainTextAsync("陈** 139****5678");
        await Expect(row).ToContainTextAsync(new Regex("剩 2[34] 小时"));
        await tab.ScreenshotAsync("suggestions-queue.png");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(tab.Page.Locator("#suggestion-text")).ToHaveTextAsync("小区东门垃圾堆放三天无人清运");
        var photos = tab.Page.Locator("#suggestion-photos img");
        await Expect(photos).ToHaveCountAsync(2);
        await tab.Page.WaitForFunctionAsync("() => [...document.querySelectorAll('#suggestion-photos img')].every(i => i.complete && i.naturalWidth > 0)");
        Assert.DoesNotContain("13912345678", await tab.Page.ContentAsync(), StringComparison.Ordinal);
        await tab.ScreenshotAsync("suggestion-detail.png");

        await Step(tab, "受理", null);
        await Expect(tab.Page.Locator("#suggestion-status")).ToHaveAttributeAsync("data-status", "Accepted");
        await Step(tab, "进展反馈", "已联系环卫所，明早清运");
        await Step(tab, "结果反馈", "垃圾已清运完毕，已设专人巡查");
        await Expect(tab.Page.Locator("#suggestion-status")).ToHaveAttributeAsync("data-status", "Resolved");
        await Expect(tab.Page.Locator("#suggestion-actions")).ToBeHiddenAsync();

        // The resident rates on the platform; the worker sees the suggestion closed.
        (await hub.RateAsync(id, "满意", "处理及时")).EnsureSuccessStatusCode();
        await tab.Page.Locator("#suggestion-refresh").ClickAsync();
        await Expect(tab.Page.Locator("#suggestion-status")).ToHaveAttributeAsync("data-status", "Closed");
        await Expect(tab.Page.Locator("#suggestion-timeline li")).ToHaveCountAsync(5);
        await Expect(tab.Page.Locator("#suggestion-timeline li[data-step='rated']")).ToContainTextAsync("满意");
        await tab.ScreenshotAsync("suggestion-closed.png");

        var steps = await WaitForStepsAsync(id, 5);
        Assert.Equal(["submitted", "accepted", "progress", "resolved", "rated"], steps);
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task StreetSupervisor_SeesTheStreetsCommunitiesAndTheOnTimeChart()
    {
        var answered = await hub.NewSuggestionAsync();
        using (var worker = await hub.CreatePortalClientAsync(SuggestionsFixture.Worker))
        {
            (await hub.StepAsync(worker, answered, "accepted")).EnsureSuccessStatusCode();
            (await hub.StepAsync(worker, answered, "resolved", "路灯已更换")).EnsureSuccessStatusCode();
        }

        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await SignInAsync(tab, SuggestionsFixture.Supervisor);
        await Expect(tab.Page.Locator("#suggestions-title")).ToContainTextAsync("示例街道甲");

        await tab.ShowAsync("建议按时率", "on-time");

        await Expect(tab.Page.Locator("#on-time-legend")).ToContainTextAsync("蝶梦社区");
        await Expect(tab.Page.Locator("#on-time-legend")).ToContainTextAsync("康居社区");
        await Expect(tab.Page.Locator("#on-time-chart-svg rect.bar-on-time[data-community='DIEMENG']").First).ToBeVisibleAsync();
        await Expect(tab.Page.Locator("#on-time-rates tr[data-community='DIEMENG']")).ToContainTextAsync("%");
        await Expect(tab.Page.Locator("#on-time-rates tr[data-community='XIADIAN']")).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("suggestions-on-time.png");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task Operator_Dashboard_ShowsTheOnTimeChartOfEveryCommunity()
    {
        await hub.NewSuggestionAsync();
        await using var tab = await PortalTab.OpenAsync(browser, hub);

        await tab.SignInAsync(SuggestionsFixture.OperatorUser);

        await Expect(tab.Page.Locator("#dashboard-on-time svg line.axis")).ToHaveCountAsync(1);
        await Expect(tab.Page.Locator("nav [data-nav='suggestions']")).ToBeVisibleAsync();
        await tab.ShowAsync("建议按时率", "on-time");
        await Expect(tab.Page.Locator("#on-time-rates tbody tr")).ToHaveCountAsync(3);
        Assert.Empty(tab.Errors);
    }

    private static async Task SignInAsync(PortalTab tab, string user)
    {
        await tab.Page.GetByLabel("用户名").FillAsync(user);
        await tab.Page.GetByLabel("密码").FillAsync(SuggestionsFixture.Password);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(tab.Page.Locator("#session-user")).ToHaveTextAsync(user);
        await Expect(tab.Page.Locator("#view-suggestions")).ToBeVisibleAsync();
    }

    private static async Task Step(PortalTab tab, string button, string? note)
    {
        if (note is not null)
        {
            await tab.Page.Locator("#suggestion-note").FillAsync(note);
        }

        await tab.Page.RunAndWaitForResponseAsync(
            () => tab.Page.Locator("#suggestion-buttons").GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync(),
            r => r.Url.EndsWith("/steps", StringComparison.Ordinal) && r.Status == 200);
        await Expect(tab.Page.Locator("#suggestion-timeline li").Last).ToContainTextAsync(button == "受理" ? "受理" : note!);
    }

    private Task<List<string>> WaitForStepsAsync(string id, int count) => Eventually.ReturnsAsync(
        () => Task.FromResult(hub.Platform.Received().Where(r => r.SignatureValid && r.Event["suggestionId"]?.GetValue<string>() == id).DistinctBy(r => r.EventId)
            .OrderBy(r => r.Event["cursor"]!.GetValue<string>(), StringComparer.Ordinal).Select(r => r.Event["step"]!.GetValue<string>()).ToList()),
        steps => steps.Count >= count, $"{count} signed events of suggestion {id}");
}
