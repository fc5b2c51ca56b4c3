using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace IntegrationHub.Tests.Portal;

/// <summary>
/// The portal in one language: a GA-001 application taken to 办结 shows its timeline in Chinese sentences made from the
/// entries' fields, and its form under the schema's titles with each code's meaning, in real headless Chromium.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class PortalLanguageTests(HubFixture hub, PortalBrowser browser)
{
    [Fact]
    public async Task DetailPage_ApprovedResidenceRegistration_ShowsChineseTimelineAndTitledFormFields()
    {
        using var submitted = await hub.SubmitAsync(IntakeTests.Sample("GA-001"));
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        var delivered = await hub.WaitForAsync(id, a => a["handoff"]!.GetValue<string>() == "Delivered");
        var caseNumber = delivered["caseNumber"]!.GetValue<string>();
        foreach (var (status, opinion) in new[] { ("01", ""), ("05", "材料齐全，准予登记") })
        {
            var reply = await hub.PublicSecurity.SendNotificationAsync(caseNumber, status, opinion, TimeProvider.System.GetUtcNow());
            Assert.True(reply.Acknowledged);
        }

        await hub.WaitForAsync(id, a => a["status"]!.GetValue<string>() == "Approved"
            && a["timeline"]!.AsArray().Any(e => e!["kind"]!.GetValue<string>() == "platform-notified"));
        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await tab.SignInAsync(HubFixture.ViewerUser);

        await tab.OpenHandoffAsync(id);

        var timeline = tab.Page.Locator("#timeline");
        await Expect(timeline.Locator("li[data-kind='received'] .entry-summary")).ToHaveTextAsync("收到平台提交的申请，已校验并保存，等待投递");
        await Expect(timeline.Locator("li[data-kind='attempt'] .entry-summary")).ToHaveTextAsync("向公安投递：公安答复“部门已接收”");
        await Expect(timeline.Locator("li[data-kind='attempt'] .badge").First).ToHaveTextAsync("部门已接收");
        var statuses = timeline.Locator("li[data-kind='status'] .entry-summary");
        await Expect(statuses).ToHaveTextAsync(["办理状态由“已提交”变为“已送达部门”", "办理状态由“已送达部门”变为“已受理”", "办理状态由“已受理”变为“办结·准予”"]);
        await Expect(timeline.Locator("li[data-kind='platform-notified'] .entry-summary").First).ToContainTextAsync("平台已确认收到状态通知");

        // What a person reads on the timeline is Chinese: no English word in any kind, sentence or badge.
        foreach (var text in await timeline.Locator(".entry-kind, .entry-summary, .entry-head .badge").AllTextContentsAsync())
        {
            Assert.False(EnglishWord().IsMatch(text), $"the timeline shows English: {text}");
        }

        var form = tab.Page.Locator("#form-fields");
        Assert.Equal(["现住址", "来徐日期", "居住事由", "住所类型", "房东公民身份号码", "房东姓名"], await form.Locator("dt").AllTextContentsAsync());
        await Expect(form.Locator("dd[data-field='residenceReason']")).ToHaveTextAsync("务工就业代码 01");
        await Expect(form.Locator("dd[data-field='dwellingType']")).ToHaveTextAsync("租赁房屋代码 02");
        await Expect(form.Locator("dd[data-field='landlordName']")).ToHaveTextAsync("陈**");
        await Expect(form.Locator("dd[data-field='currentAddress']")).ToHaveTextAsync("江苏省徐州市****");
        Assert.DoesNotContain("residenceReason", await form.InnerTextAsync(), StringComparison.Ordinal);
        await tab.ScreenshotAsync("timeline-zh.png");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task DetailPage_HousingFormWithMembers_TitlesEachMemberAndCode()
    {
        using var submitted = await hub.SubmitAsync(IntakeTests.Sample("FG-001"));
        var id = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        await hub.WaitForAsync(id, a => a["handoff"]!.GetValue<string>() == "Delivered");
        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await tab.SignInAsync(HubFixture.ViewerUser);

        await tab.OpenHandoffAsync(id);

        var form = tab.Page.Locator("#form-fields");
        await Expect(form.Locator("dt").Filter(new() { HasText = "家庭成员 (1) · 与申请人关系" })).ToHaveCountAsync(1);
        await Expect(form.Locator("dd[data-field='householdMembers[0].relation']")).ToHaveTextAsync("本人代码 self");
        await Expect(form.Locator("dd[data-field='householdMembers[0].name']")).ToHaveTextAsync("李**");
        await tab.ScreenshotAsync("form-fields-zh.png");
        Assert.Empty(tab.Errors);
    }

    // Two or more Latin letters in a row: an English word (digits, codes like 0000 and the 24-hour clock pass).
    [GeneratedRegex("[A-Za-z]{2,}")]
    private static partial Regex EnglishWord();
}
