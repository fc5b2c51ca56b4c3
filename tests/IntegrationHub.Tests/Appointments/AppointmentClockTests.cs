using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Appointments;
using Microsoft.Extensions.DependencyInjection;

namespace IntegrationHub.Tests.Appointments;

/// <summary>A hub of its own whose tests move the fake clock: reminders, outcomes and no-shows.</summary>
public sealed class AppointmentClockFixture : AppointmentsFixture;

[CollectionDefinition(Name)]
public sealed class AppointmentClockCollection : ICollectionFixture<AppointmentClockFixture>
{
    public const string Name = "appointment-clock";
}

/// <summary>
/// Time-driven rules on the fake clock, never by sleeping: each test books relative to the clock's "now" (the tests of this
/// collection move it forward), on the next day the hall is open.
/// </summary>
[Collection(AppointmentClockCollection.Name)]
public sealed class AppointmentClockTests(AppointmentClockFixture hub)
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    [Fact]
    public async Task Reminder_TheDayBefore_SentOnceEvenWhenTwoJobsRunAtOnce()
    {
        var day = await NextOpenDayAsync("1000");
        var booking = await hub.BookNewAsync(day, "1000");
        var id = booking["appointmentId"]!.GetValue<string>();
        var jobs = hub.Services.GetRequiredService<AppointmentService>();
        var start = DateTimeOffset.Parse(booking["start"]!.GetValue<string>(), CultureInfo.InvariantCulture);

        // Just before the reminder falls due (24 hours before the slot): nothing.
        hub.Clock.SetUtcNow(start - TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        await jobs.RunRemindersAsync(CancellationToken.None);
        Assert.DoesNotContain(await hub.AppointmentEventsAsync(id), e => e["step"]!.GetValue<string>() == "reminder");

        // Due: two instances run the job at once, then it runs again; the platform hears of it once.
        hub.Clock.Advance(TimeSpan.FromMinutes(2));
        await Task.WhenAll(jobs.RunRemindersAsync(CancellationToken.None), jobs.RunRemindersAsync(CancellationToken.None));
        await jobs.RunRemindersAsync(CancellationToken.None);

        var reminders = (await hub.AppointmentEventsAsync(id)).Where(e => e["step"]!.GetValue<string>() == "reminder").ToList();
        var reminder = Assert.Single(reminders);
        Assert.Equal("Booked", reminder["status"]!.GetValue<string>());
        Assert.Equal(start, DateTimeOffset.Parse(reminder["start"]!.GetValue<string>(), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Cancel_AfterTheSlotStarted_Refused()
    {
        var day = await NextOpenDayAsync("0900");
        var booking = await hub.BookNewAsync(day, "0900");
        hub.Clock.SetUtcNow(DateTimeOffset.Parse(booking["start"]!.GetValue<string>(), CultureInfo.InvariantCulture) + TimeSpan.FromMinutes(1));

        using var cancel = await hub.CancelAsync(booking["appointmentId"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        Assert.Contains("has started", await cancel.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoShow_ThirdTime_BlocksTheResidentForTheBlockTime()
    {
        var resident = hub.NewResident();
        var day = await NextOpenDayAsync("0830");
        var ids = new List<string>();
        foreach (var item in new[] { "MZ-001", "MZ-002", "MZ-003" })
        {
            using var response = await hub.BookAsync(AppointmentsFixture.Body(day, "0830", resident, item: item));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            ids.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["appointmentId"]!.GetValue<string>());
        }

        using (var before = await hub.CreatePortalClientAsync(AppointmentsFixture.Worker))
        using (var early = await MarkAsync(before, ids[0], "no-show"))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        }

        // The morning of the visit (a fresh session: the clock jumped past the last one's lifetime).
        hub.Clock.SetUtcNow(new DateTimeOffset(DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToDateTime(new TimeOnly(9, 0)), China));
        using (var otherHall = await hub.CreatePortalClientAsync(AppointmentsFixture.OtherWorker))
        using (var foreign = await MarkAsync(otherHall, ids[0], "no-show"))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        using var worker = await hub.CreatePortalClientAsync(AppointmentsFixture.Worker);
        foreach (var id in ids)
        {
            using var marked = await MarkAsync(worker, id, "no-show");
            Assert.Equal(HttpStatusCode.OK, marked.StatusCode);
        }

        var next = await NextOpenDayAsync("1000");
        using (var blocked = await hub.BookAsync(AppointmentsFixture.Body(next, "1000", resident)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
            Assert.Contains("missed too many", await blocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Someone else books as ever; the resident books again once the 30 days are over.
        await hub.BookNewAsync(next, "1000");
        hub.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        var later = await NextOpenDayAsync("1000");
        using (var again = await hub.BookAsync(AppointmentsFixture.Body(later, "1000", resident)))
        {
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        }

        Assert.Equal(["booked", "no-show"], (await hub.AppointmentEventsAsync(ids[2])).Select(e => e["step"]!.GetValue<string>()));
    }

    private async Task<HttpResponseMessage> MarkAsync(HttpClient portal, string id, string outcome)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/portal/appointments/{id}/outcome") { Content = JsonContent.Create(new { outcome }) };
        request.Headers.Add("Origin", hub.BaseAddress.GetLeftPart(UriPartial.Authority));
        return await portal.SendAsync(request);
    }

    // The first day after today (on the clock) on which 蝶梦's slot is offered and bookable.
    private async Task<string> NextOpenDayAsync(string slotId)
    {
        var today = DateOnly.FromDateTime(hub.Clock.GetUtcNow().ToOffset(China).DateTime);
        for (var date = today.AddDays(1); date < today.AddDays(14); date = date.AddDays(1))
        {
            var text = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (AppointmentsFixture.Slot(await hub.SlotsAsync(text), slotId) is { } slot && slot["bookable"]!.GetValue<bool>())
            {
                return text;
            }
        }

        throw new InvalidOperationException($"No open day for {slotId} in the next two weeks.");
    }
}
