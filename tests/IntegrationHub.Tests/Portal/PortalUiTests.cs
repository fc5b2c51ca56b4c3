using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IntegrationHub.Tests.Applications;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IntegrationHub.Tests.Portal;

/// <summary>
/// The operator portal in real headless Chromium against the local hub and the strict sandbox 公安: an operator
/// finds a hand-off failed by a department fault, reads its masked timeline, replays it (alone or in bulk) and
/// resolves or reveals with a reason; a viewer only reads.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class PortalUiTests(HubFixture hub, PortalBrowser browser)
{
    // The applicant of every sample (IntakeTests.Applicant) and how the portal must show them.
    private const string FullId = "11010519491231002X";
    private const string FullName = "张三";
    private const string FullPhone = "13812345678";

    [Fact]
    public async Task SignIn_AsOperator_ShowsUserRoleAndDashboardThenSignsOut()
    {
        await using var tab = await PortalTab.OpenAsync(browser, hub);

        await tab.SignInAsync(HubFixture.OperatorUser);

        await Expect(tab.Page.Locator("#session-role")).ToHaveTextAsync("操作员");
        foreach (var (department, name) in new[] { ("GA", "公安"), ("FG", "房管"), ("RS", "人社") })
        {
            await Expect(tab.DepartmentCard(department).Locator("h2")).ToContainTextAsync(name);
            foreach (var label in new[] { "等待投递", "重试中", "维护暂停", "已送达", "失败", "已处理" })
            {
                await Expect(tab.DepartmentCard(department)).ToContainTextAsync(label);
            }
        }

        await Expect(tab.Page.Locator("#dashboard-chart svg rect.bar-submitted")).ToHaveCountAsync(24);
        await Expect(tab.Page.Locator("#dashboard-unacknowledged")).ToHaveTextAsync(NumberPattern());
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "查看清单" }).ClickAsync();
        await Expect(tab.Page.Locator("#view-unacknowledged")).ToBeVisibleAsync();
        await Expect(tab.Page.Locator("#unacknowledged-total")).ToHaveTextAsync(new Regex("^共 [0-9]+ 件"));

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await Expect(tab.Page.Locator("#view-signin")).ToBeVisibleAsync();
        await Expect(tab.Page.Locator("#nav")).ToBeHiddenAsync();
        Assert.Empty(await tab.Context.CookiesAsync());
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task SignIn_WrongPassword_StaysOnTheSignInForm()
    {
        await using var tab = await PortalTab.OpenAsync(browser, hub);

        await tab.Page.GetByLabel("用户名").FillAsync(HubFixture.OperatorUser);
        await tab.Page.GetByLabel("密码").FillAsync("not-the-password");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();

        await Expect(tab.Page.Locator("#signin-error")).ToHaveTextAsync("用户名或密码错误。");
        await Expect(tab.Page.Locator("#nav")).ToBeHiddenAsync();
        Assert.Empty(await tab.Context.CookiesAsync());
    }

    [Fact]
    public async Task FailedHandoff_FoundByDepartmentStateAndIdNumber_ShowsMaskedTimelineAndNoFullPersonalData()
    {
        var id = await FailOneAsync();
        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await tab.SignInAsync(HubFixture.OperatorUser);

        await Expect(tab.StateCount("GA", "Failed")).Not.ToHaveTextAsync("0");
        await Expect(tab.Page.Locator("#dashboard-chart svg rect.bar-failed")).ToHaveCountAsync(24);
        await tab.ScreenshotAsync("dashboard.png");

        await tab.SearchAsync(department: "GA", state: "Failed");
        await Expect(tab.ResultRow(id)).ToContainTextAsync("失败");
        Assert.All(await tab.Page.Locator("#search-results tbody td:nth-child(4)").AllTextContentsAsync(), state => Assert.Equal("失败", state));
        Assert.All(await tab.Page.Locator("#search-results tbody td:nth-child(3)").AllTextContentsAsync(), department => Assert.Equal("公安", department));
        await tab.ScreenshotAsync("search.png");
        await tab.SearchAsync(idNumber: FullId);
        await Expect(tab.ResultRow(id)).ToContainTextAsync("张*");
        await tab.OpenHandoffAsync(id);

        var attempt = tab.Page.Locator("#timeline li[data-kind='attempt']");
        await Expect(attempt).ToHaveCountAsync(1);
        await Expect(attempt.Locator(".badge").First).ToHaveTextAsync("请求无效");
        await Expect(attempt.Locator(".entry-summary")).ToHaveTextAsync("向公安投递：公安答复“请求无效”");
        await Expect(tab.Page.Locator("#timeline li[data-kind='handoff-failed'] .entry-summary")).ToHaveTextAsync("投递永久失败（请求无效），不再自动重试");
        await Expect(attempt).ToContainTextAsync("2002");
        await Expect(attempt).ToContainTextAsync("缺少必填元素：XZZ");
        await Expect(attempt).ToContainTextAsync(DurationPattern());
        await Expect(attempt.Locator("dd").Filter(new() { HasTextRegex = TraceIdPattern() })).ToHaveCountAsync(1);
        await Expect(tab.Page.Locator("#timeline li[data-kind='handoff-failed']")).ToHaveCountAsync(1);
        await Expect(tab.Page.Locator("[data-field='idNumber']")).ToHaveTextAsync("1101**********002X");
        await Expect(tab.Page.Locator("[data-field='name']")).ToHaveTextAsync("张*");
        await Expect(tab.Page.Locator("[data-field='phone']")).ToHaveTextAsync("138****5678");

        await attempt.GetByText("请求报文（已脱敏）").ClickAsync();
        var request = attempt.Locator(".payload[open] pre");
        await Expect(request).ToContainTextAsync("<GMSFHM>1101**********002X</GMSFHM>");
        await Expect(request).ToContainTextAsync("<XM>张*</XM>");
        await Expect(request).ToContainTextAsync("<LXDH>138****5678</LXDH>");
        await Expect(request).ToContainTextAsync($"<LSH>{id}</LSH>");
        await attempt.GetByText("应答报文（已脱敏）").ClickAsync();
        await Expect(attempt.Locator(".payload[open] pre").Last).ToContainTextAsync("2002");

        var html = await tab.Page.ContentAsync();
        foreach (var full in new[] { FullId, FullName, FullPhone })
        {
            Assert.False(PortalTab.Holds(html, full), $"the page's HTML holds {full}");
        }

        var responses = await tab.ApiResponsesAsync();
        Assert.Contains(responses, r => r.Url.Contains($"/portal/handoffs/{id}", StringComparison.Ordinal));
        Assert.Equal(2, responses.Count(r => r.Url.EndsWith("/portal/handoffs/search", StringComparison.Ordinal)));
        Assert.DoesNotContain(responses, r => r.Url.Contains(FullId, StringComparison.Ordinal)); // the ID number travels in a body, never a URL
        await AssertNoFullPersonalDataAsync(tab, id, responses);
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task Replay_AfterDepartmentRecovers_DeliversOnceWithTheSameIdempotencyKey()
    {
        var id = await FailOneAsync();
        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await tab.SignInAsync(HubFixture.OperatorUser);
        await tab.SearchAsync(department: "GA", state: "Failed");
        await tab.OpenHandoffAsync(id);

        // The sandbox's fault was for one request only: the department answers normally again.
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "重新投递", Exact = true }).ClickAsync();
        var replayed = await tab.ConfirmAsync($"/handoffs/{id}/replay");
        Assert.Equal((int)HttpStatusCode.Accepted, replayed.Status);

        var delivered = await hub.WaitForAsync(id, a => a["handoff"]!.GetValue<string>() == "Delivered");
        var attempts = hub.PublicSecurity.ReceivedApplications.Where(r => r.Lsh == id).ToList();
        Assert.Equal(["2002", "0000"], attempts.Select(a => a.Code));
        Assert.Equal(delivered["caseNumber"]!.GetValue<string>(), hub.PublicSecurity.CaseNumberFor(id));

        await tab.RefreshDetailAsync();
        await Expect(tab.Page.Locator(".detail-grid")).ToContainTextAsync("已送达");
        await Expect(tab.Page.Locator("#timeline li[data-kind='replay-requested']")).ToContainTextAsync(HubFixture.OperatorUser);
        var second = tab.Page.Locator("#timeline li[data-kind='attempt']").Last;
        await Expect(second.Locator(".badge").First).ToHaveTextAsync("部门已接收");
        await Expect(second.Locator(".entry-summary")).ToHaveTextAsync($"{HubFixture.OperatorUser} 发起的重新投递：公安答复“部门已接收”");
        await Expect(second).ToContainTextAsync(delivered["caseNumber"]!.GetValue<string>());
        await Expect(tab.Page.GetByRole(AriaRole.Button, new() { Name = "重新投递", Exact = true })).ToBeDisabledAsync();
        await tab.Page.Locator("#timeline li[data-kind='attempt']").First.GetByText("请求报文（已脱敏）").ClickAsync();
        await second.GetByText("应答报文（已脱敏）").ClickAsync();
        await tab.ScreenshotAsync("timeline.png");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task BulkReplay_DepartmentFailures_DeliversEachOnce()
    {
        var first = await FailOneAsync();
        var second = await FailOneAsync("GA-001");
        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await tab.SignInAsync(HubFixture.OperatorUser);

        await Expect(tab.StateCount("GA", "Failed")).Not.ToHaveTextAsync(new Regex("^[01]$"));
        await tab.DepartmentCard("GA").GetByRole(AriaRole.Button, new() { NameRegex = BulkButtonPattern() }).ClickAsync();
        var answer = PortalTab.Json(await (await tab.ConfirmAsync("/api/v1/portal/replay")).TextAsync())!;

        var replayed = answer["applicationIds"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Contains(first, replayed);
        Assert.Contains(second, replayed);
        await Expect(tab.Page.Locator("#notice")).ToContainTextAsync($"已批量重新投递 {replayed.Count} 件");
        await WaitDeliveredAsync(replayed);
        foreach (var id in new[] { first, second })
        {
            Assert.Equal(["2002", "0000"], hub.PublicSecurity.ReceivedApplications.Where(r => r.Lsh == id).Select(r => r.Code));
        }

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "刷新" }).ClickAsync();
        await Expect(tab.StateCount("GA", "Failed")).ToHaveTextAsync("0");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task Audit_RevealResolveReplayBulkReplay_EachShownInTheAuditLog()
    {
        var resolved = await FailOneAsync();
        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await tab.SignInAsync(HubFixture.OperatorUser);
        await tab.OpenHandoffAsync(resolved);

        // Reveal: the full value shows in the dialog only, and leaves the page when it closes.
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "查看完整信息" }).ClickAsync();
        await tab.Dialog.GetByLabel("字段").SelectOptionAsync("phone");
        await tab.Dialog.GetByLabel("原因（必填）").FillAsync("回访核实联系电话");
        await tab.Dialog.GetByRole(AriaRole.Button, new() { Name = "查看", Exact = true }).ClickAsync();
        await Expect(tab.Dialog.Locator("#reveal-value")).ToHaveTextAsync(FullPhone);
        await tab.Dialog.GetByRole(AriaRole.Button, new() { Name = "关闭" }).ClickAsync();
        await Expect(tab.Dialog).ToHaveCountAsync(0);
        Assert.False(PortalTab.Holds(await tab.Page.ContentAsync(), FullPhone));

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "标记已处理" }).ClickAsync();
        await tab.ConfirmAsync($"/handoffs/{resolved}/resolve", "申请人已到窗口现场办理");
        await Expect(tab.Page.Locator(".detail-grid")).ToContainTextAsync("已处理");
        await Expect(tab.Page.Locator("#timeline li[data-kind='resolved'] .entry-summary"))
            .ToHaveTextAsync($"{HubFixture.OperatorUser} 标记为已处理，原因：申请人已到窗口现场办理");

        var replayedAlone = await FailOneAsync();
        await tab.OpenHandoffAsync(replayedAlone);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "重新投递", Exact = true }).ClickAsync();
        await tab.ConfirmAsync($"/handoffs/{replayedAlone}/replay");
        await WaitDeliveredAsync([replayedAlone]);

        await tab.ShowAsync("查询", "search");
        var bulk = tab.Page.Locator("#bulk-form");
        await bulk.GetByLabel("范围").SelectOptionAsync("department");
        await bulk.Locator("select[name='department']").SelectOptionAsync("GA");
        await bulk.GetByRole(AriaRole.Button, new() { Name = "批量重新投递" }).ClickAsync();
        var answer = PortalTab.Json(await (await tab.ConfirmAsync("/api/v1/portal/replay")).TextAsync())!;
        await WaitDeliveredAsync([.. answer["applicationIds"]!.AsArray().Select(n => n!.GetValue<string>())]);

        await tab.ShowAsync("审计日志", "audit");
        var reveal = AuditRow(tab, "reveal", resolved);
        await Expect(reveal).ToHaveCountAsync(1);
        await Expect(reveal).ToContainTextAsync("查看完整信息");
        await Expect(reveal).ToContainTextAsync("回访核实联系电话");
        await Expect(reveal).ToContainTextAsync("字段：手机号");
        await Expect(reveal).ToContainTextAsync(HubFixture.OperatorUser);
        var resolve = AuditRow(tab, "resolve", resolved);
        await Expect(resolve).ToHaveCountAsync(1);
        await Expect(resolve).ToContainTextAsync("标记已处理");
        await Expect(resolve).ToContainTextAsync("申请人已到窗口现场办理");
        var replay = AuditRow(tab, "replay", replayedAlone);
        await Expect(replay).ToHaveCountAsync(1);
        await Expect(replay).ToContainTextAsync("重新投递");
        await Expect(replay).ToContainTextAsync("replay of attempt");
        await Expect(tab.Page.Locator("#audit-results tr[data-action='bulk-replay']").First).ToContainTextAsync("公安（GA）");
        await tab.ScreenshotAsync("audit.png");
        Assert.False(PortalTab.Holds(await tab.Page.ContentAsync(), FullPhone));
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task Viewer_FailedHandoff_SeesNoActionsAndIsRefusedReplay()
    {
        var id = await FailOneAsync();
        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await tab.SignInAsync(HubFixture.ViewerUser);

        await Expect(tab.Page.Locator("#session-role")).ToHaveTextAsync("只读查看");
        await Expect(tab.StateCount("GA", "Failed")).Not.ToHaveTextAsync("0");
        await Expect(tab.Page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("重新投递") })).ToHaveCountAsync(0);
        await tab.SearchAsync(idNumber: FullId);
        await Expect(tab.Page.Locator("#bulk-panel")).ToBeHiddenAsync();
        await tab.OpenHandoffAsync(id);
        await Expect(tab.Page.Locator("#timeline li[data-kind='attempt']")).ToHaveCountAsync(1);
        await Expect(tab.Page.Locator("[data-field='idNumber']")).ToHaveTextAsync("1101**********002X");
        foreach (var action in new[] { "重新投递", "标记已处理", "查看完整信息" })
        {
            await Expect(tab.Page.GetByRole(AriaRole.Button, new() { Name = action })).ToHaveCountAsync(0);
        }

        // The viewer's own browser calls the API directly, with its HttpOnly session cookie (invisible to script).
        Assert.DoesNotContain("hub_portal", await tab.Page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);
        var statuses = await tab.Page.EvaluateAsync<int[]>(
            """
            async id => {
              const post = (path, body) => fetch('/api/v1/portal' + path, {
                method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}) });
              return [
                (await post('/handoffs/' + encodeURIComponent(id) + '/replay')).status,
                (await post('/replay', { department: 'GA' })).status,
                (await post('/handoffs/' + encodeURIComponent(id) + '/resolve', { reason: '只读用户尝试' })).status,
                (await post('/handoffs/' + encodeURIComponent(id) + '/reveal', { field: 'idNumber', reason: '只读用户尝试' })).status,
              ];
            }
            """, id);
        Assert.Equal([403, 403, 403, 403], statuses);

        using var client = await tab.ApiClientAsync();
        using var refused = await client.PostAsync($"/api/v1/portal/handoffs/{id}/replay", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await hub.HandoffsSettledAsync();
        Assert.Equal("Failed", (await hub.GetApplicationAsync(id))["handoff"]!.GetValue<string>());
        Assert.Single(hub.PublicSecurity.ReceivedApplications, r => r.Lsh == id);
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task Timeline_DeliveryRetriedInsideTheClient_ShowsEveryCallTheBureauReceived()
    {
        hub.PublicSecurity.GivenBusy(2);
        using var response = await hub.SubmitAsync(IntakeTests.Sample("GA-003"));
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        await hub.WaitForAsync(id, a => a["caseNumber"] is not null);
        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await tab.SignInAsync(HubFixture.ViewerUser);

        await tab.OpenHandoffAsync(id);

        var received = hub.PublicSecurity.ReceivedApplications.Where(r => r.Lsh == id).Select(r => r.Code).ToList();
        Assert.Equal(["9001", "9001", "0000"], received);
        var attempt = tab.Page.Locator("#timeline li[data-kind='attempt']");
        await Expect(attempt).ToHaveCountAsync(1);
        await Expect(attempt.Locator(".calls-head")).ToHaveTextAsync("部门收到请求 3 次");
        var calls = attempt.Locator("tr.call");
        await Expect(calls).ToHaveCountAsync(received.Count);
        for (var i = 0; i < received.Count; i++)
        {
            await Expect(calls.Nth(i)).ToHaveAttributeAsync("data-code", received[i]!);
            await Expect(calls.Nth(i)).ToContainTextAsync("POST /population/v2/applications");
            await Expect(calls.Nth(i).Locator("td").Nth(4)).ToHaveTextAsync(CallDurationPattern());
        }

        await Expect(tab.Page.Locator("#timeline-counts")).ToHaveAttributeAsync("data-calls", received.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(tab.Page.Locator("#timeline-counts")).ToContainTextAsync("部门共收到请求 3 次");
        await tab.ScreenshotAsync("timeline-calls.png");
        Assert.Empty(tab.Errors);
    }

    private static ILocator AuditRow(PortalTab tab, string action, string target) =>
        tab.Page.Locator($"#audit-results tr[data-action='{action}']").Filter(new() { HasText = target });

    /// <summary>Submits an application whose one delivery the sandbox refuses for good (2002), and waits until it is a failed hand-off.</summary>
    private async Task<string> FailOneAsync(string itemCode = "GA-004")
    {
        hub.PublicSecurity.GivenMissingElement("XZZ");
        using var response = await hub.SubmitAsync(IntakeTests.Sample(itemCode));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>())!["applicationId"]!.GetValue<string>();
        await hub.WaitForAsync(id, a => a["handoff"]!.GetValue<string>() == "Failed");
        return id;
    }

    // Every replayed hand-off must settle, or its delivery could consume the next test's one-shot sandbox fault.
    private async Task WaitDeliveredAsync(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            await hub.WaitForAsync(id, a => a["handoff"]!.GetValue<string>() == "Delivered");
        }
    }

    /// <summary>Reads the portal API with the tab's cookie as well, beyond what the page happened to fetch.</summary>
    private static async Task AssertNoFullPersonalDataAsync(PortalTab tab, string id, IReadOnlyList<(string Url, string Body)> captured)
    {
        using var client = await tab.ApiClientAsync();
        var bodies = new List<(string Url, string Body)>(captured);
        foreach (var path in new[]
        {
            "me", "dashboard", "handoffs?department=GA&state=Failed", $"handoffs/{id}", "unacknowledged", "audit",
        })
        {
            using var response = await client.GetAsync($"/api/v1/portal/{path}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            bodies.Add((path, await response.Content.ReadAsStringAsync()));
        }

        using (var search = await client.PostAsJsonAsync("/api/v1/portal/handoffs/search", new { idNumber = FullId }))
        {
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);
            bodies.Add(("handoffs/search", await search.Content.ReadAsStringAsync()));
        }

        var detail = PortalTab.Json(bodies.Last(b => b.Url == $"handoffs/{id}").Body)!;
        Assert.Equal("1101**********002X", detail["applicantIdNumber"]!.GetValue<string>());
        Assert.Equal("138****5678", detail["applicantPhone"]!.GetValue<string>());
        Assert.Equal("张*", detail["summary"]!["applicantName"]!.GetValue<string>());
        foreach (var (url, body) in bodies)
        {
            foreach (var full in new[] { FullId, FullName, FullPhone })
            {
                Assert.False(PortalTab.Holds(body, full), $"{url} answered {full} in clear");
            }
        }
    }

    [GeneratedRegex("^[0-9]+$")]
    private static partial Regex NumberPattern();

    [GeneratedRegex("耗时 [0-9]+ 毫秒")]
    private static partial Regex DurationPattern();

    [GeneratedRegex("^[0-9]+ 毫秒$")]
    private static partial Regex CallDurationPattern();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceIdPattern();

    [GeneratedRegex("^批量重新投递（失败 [0-9]+ 件）$")]
    private static partial Regex BulkButtonPattern();
}
