using System.Globalization;
using IntegrationHub.Tests.Portal;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace IntegrationHub.Tests.Appointments;

/// <summary>
/// The community worker's day view in real headless Chromium: today's and tomorrow's bookings per slot with each item's
/// materials checklist, residents masked; arrival, done and no-show recorded from the page, reaching the platform's feed
/// and the audit log. Screenshots go to the artifacts folder.
/// </summary>
[Collection(AppointmentPortalCollection.Name)]
public sealed class AppointmentPortalUiTests(AppointmentPortalFixture hub, PortalBrowser browser)
{
    [Fact]
    public async Task CommunityWorker_DayView_ShowsBookingsPerSlotAndRecordsArrivalDoneAndNoShow()
    {
        // 09:00 on a day the hall is open, and open the next day too (the fixture's clock).
        var date = hub.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var next = hub.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var residents = new[] { hub.NewResident(), hub.NewResident(), hub.NewResident() };
        var arriving = await BookAsync(date, "1400", residents[0], "MZ-001");
        await BookAsync(date, "1400", residents[1], "GA-001");
        var missing = await BookAsync(date, "0930", residents[2], "MZ-002");
        var tomorrow = await BookAsync(next, "1600", hub.NewResident(), "MZ-001");

        await using var tab = await PortalTab.OpenAsync(browser, hub);
        await tab.Page.GetByLabel("用户名").FillAsync(AppointmentsFixture.Worker);
        await tab.Page.GetByLabel("密码").FillAsync(AppointmentsFixture.Password);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(tab.Page.Locator("#session-user")).ToHaveTextAsync(AppointmentsFixture.Worker);
        await tab.ShowAsync("预约到访", "appointments");

        var today = tab.Page.Locator($".appointment-day[data-date='{date}'] .hall-day[data-community='DIEMENG']");
        await Expect(today.Locator("tr[data-slot='1400'] li.booking")).ToHaveCountAsync(2);
        await Expect(today.Locator("tr[data-slot='1400'] td.num")).ToHaveTextAsync("2 / 3");
        await Expect(tab.Page.Locator($".appointment-day[data-date='{next}'] li[data-appointment-id='{tomorrow}']")).ToBeVisibleAsync();
        var row = Booking(tab, arriving);
        await Expect(row.Locator(".booking-resident")).ToContainTextAsync($"139****{residents[0].Phone[^4..]}");
        await Expect(row.Locator(".checklist summary")).ToContainTextAsync("材料清单");
        var page = await tab.Page.ContentAsync();
        foreach (var (name, idNumber, phone) in residents)
        {
            Assert.DoesNotContain(idNumber, page, StringComparison.Ordinal);
            Assert.DoesNotContain(phone, page, StringComparison.Ordinal);
            Assert.DoesNotContain(name, page, StringComparison.Ordinal);
        }

        // Outcomes are recorded on the day only: tomorrow's booking offers none yet.
        await Expect(Booking(tab, tomorrow).Locator("button")).ToHaveCountAsync(0);
        await row.Locator(".checklist summary").ClickAsync();
        await tab.ScreenshotAsync("appointments-day.png");

        await MarkAsync(tab, arriving, "到场", "Arrived");
        await MarkAsync(tab, arriving, "办结", "Done");

        // Half past nine has passed: the 09:30 resident did not come.
        hub.Clock.Advance(TimeSpan.FromMinutes(31));
        await tab.Page.Locator("#appointments-refresh").ClickAsync();
        await MarkAsync(tab, missing, "未到", "NoShow");
        await tab.ScreenshotAsync("appointments-outcomes.png");

        Assert.Equal(["booked", "arrived", "done"], (await hub.AppointmentEventsAsync(arriving)).Select(e => e["step"]!.GetValue<string>()));
        Assert.Equal(["booked", "no-show"], (await hub.AppointmentEventsAsync(missing)).Select(e => e["step"]!.GetValue<string>()));
        using var operatorClient = await hub.CreatePortalClientAsync();
        var audit = await operatorClient.GetStringAsync("/api/v1/portal/audit");
        Assert.Contains("appointment-no-show", audit, StringComparison.Ordinal);
        Assert.Contains(arriving, audit, StringComparison.Ordinal);
        Assert.Empty(tab.Errors);
    }

    private static ILocator Booking(PortalTab tab, string id) => tab.Page.Locator($"li.booking[data-appointment-id='{id}']");

    private static async Task MarkAsync(PortalTab tab, string id, string button, string status)
    {
        await tab.Page.RunAndWaitForResponseAsync(
            () => Booking(tab, id).GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync(),
            r => r.Url.EndsWith("/outcome", StringComparison.Ordinal) && r.Status == 200);
        await Expect(Booking(tab, id)).ToHaveAttributeAsync("data-status", status);
    }

    private async Task<string> BookAsync(string date, string slot, (string Name, string IdNumber, string Phone) resident, string item)
    {
        using var response = await hub.BookAsync(AppointmentsFixture.Body(date, slot, resident, item: item));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body);
        return System.Text.Json.Nodes.JsonNode.Parse(body)!["appointmentId"]!.GetValue<string>();
    }
}
