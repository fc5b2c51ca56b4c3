using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using IntegrationHub.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace IntegrationHub.Tests.Appointments;

/// <summary>Booking a visit against real Azurite on the fixture's fake clock (Thursday 2026-09-17 09:00 in Xuzhou).</summary>
[Collection(AppointmentsCollection.Name)]
public sealed class AppointmentBookingTests(AppointmentsFixture hub, ITestOutputHelper output)
{
    [Fact]
    public async Task Booking_ThirtyConcurrentForASlotWithThreePlaces_ExactlyThreeConfirmedOverRepeatedRuns()
    {
        // Friday 2026-09-18 at 蝶梦社区 (3 counters): ten slots, ten rounds of 30 residents booking the same slot at once.
        string[] slots = ["0830", "0900", "0930", "1000", "1030", "1100", "1130", "1400", "1430", "1500"];
        foreach (var slot in slots)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
            {
                using var response = await hub.BookAsync(AppointmentsFixture.Body("2026-09-18", slot, hub.NewResident()));
                return (response.StatusCode, Body: JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
            }));

            var confirmed = answers.Where(a => a.StatusCode == HttpStatusCode.Created).ToList();
            var refused = answers.Where(a => a.StatusCode == HttpStatusCode.Conflict).ToList();
            Assert.Equal(3, confirmed.Count);
            Assert.Equal(27, refused.Count);
            Assert.All(refused, r => Assert.Contains("slotId: has no place left", r.Body["detail"]!.GetValue<string>(), StringComparison.Ordinal));
            Assert.Equal(3, confirmed.Select(c => c.Body["appointmentId"]!.GetValue<string>()).Distinct().Count());

            // What storage holds agrees: three bookings of the slot, and the slot says it is full.
            Assert.Equal(3, (await BookingsAsync("DIEMENG_20260918")).Count(b => b.GetString("SlotId") == slot));
            var listed = AppointmentsFixture.Slot(await hub.SlotsAsync("2026-09-18"), slot)!;
            Assert.Equal(0, listed["remaining"]!.GetValue<int>());
            Assert.False(listed["bookable"]!.GetValue<bool>());
        }

        output.WriteLine($"{slots.Length} rounds of 30 concurrent bookings: 3 confirmed and 27 refused in each");
    }

    [Fact]
    public async Task Slots_OnTheFakeClock_HolidaysClosedMakeUpWorkdaysOpenUnknownYearsNotOffered()
    {
        // Sunday 2026-09-20 is a make-up working day for 国庆节: open with the working-day hours, and bookable.
        var makeUp = await hub.SlotsAsync("2026-09-20");
        Assert.Equal("make-up-workday", makeUp["day"]!.GetValue<string>());
        Assert.Contains("国庆节调休上班", makeUp["note"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(14, makeUp["slots"]!.AsArray().Count);
        Assert.True(AppointmentsFixture.Slot(makeUp, "0830")!["bookable"]!.GetValue<bool>());
        await hub.BookNewAsync("2026-09-20", "0830");

        // An ordinary Saturday: closed at 蝶梦 (weekday hours only), open at 下淀 (Saturday mornings).
        var saturday = await hub.SlotsAsync("2026-09-19");
        Assert.Equal("ordinary", saturday["day"]!.GetValue<string>());
        Assert.Empty(saturday["slots"]!.AsArray());
        Assert.Equal(6, (await hub.SlotsAsync("2026-09-19", AppointmentsFixture.OtherCommunity))["slots"]!.AsArray().Count);

        // 中秋节 (Friday 2026-09-25 to Sunday 27) is closed, and booking it names the holiday.
        foreach (var date in new[] { "2026-09-25", "2026-09-26", "2026-09-27" })
        {
            var holiday = await hub.SlotsAsync(date);
            Assert.Equal("holiday", holiday["day"]!.GetValue<string>());
            Assert.Empty(holiday["slots"]!.AsArray());
        }

        using (var closed = await hub.BookAsync(AppointmentsFixture.Body("2026-09-25", "0830", hub.NewResident())))
        {
            Assert.Equal(HttpStatusCode.BadRequest, closed.StatusCode);
            Assert.Contains("中秋节放假", await closed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Saturday 2026-10-10 is a make-up day too, but beyond the 14-day horizon: listed, not bookable.
        var later = await hub.SlotsAsync("2026-10-10");
        Assert.Equal("make-up-workday", later["day"]!.GetValue<string>());
        Assert.All(later["slots"]!.AsArray(), s => Assert.False(s!["bookable"]!.GetValue<bool>()));
        using (var beyond = await hub.BookAsync(AppointmentsFixture.Body("2026-10-10", "0830", hub.NewResident())))
        {
            Assert.Equal(HttpStatusCode.BadRequest, beyond.StatusCode);
            Assert.Contains("horizon", await beyond.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Today's 08:30 has passed (it is 09:00).
        Assert.False(AppointmentsFixture.Slot(await hub.SlotsAsync("2026-09-17"), "0830")!["bookable"]!.GetValue<bool>());
        using (var past = await hub.BookAsync(AppointmentsFixture.Body("2026-09-17", "0830", hub.NewResident())))
        {
            Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        }

        // 2027's arrangement is not in the calendar: nothing is offered rather than a guess.
        var unknown = await hub.SlotsAsync("2027-01-04");
        Assert.Equal("unknown", unknown["day"]!.GetValue<string>());
        Assert.Empty(unknown["slots"]!.AsArray());
        Assert.Contains("2027", unknown["note"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_FullSlot_FreesThePlaceForTheNextResident()
    {
        var booked = new List<JsonNode>();
        for (var i = 0; i < 3; i++)
        {
            booked.Add(await hub.BookNewAsync("2026-09-21", "0830"));
        }

        var waiting = AppointmentsFixture.Body("2026-09-21", "0830", hub.NewResident());
        using (var full = await hub.BookAsync(waiting))
        {
            Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        }

        var id = booked[1]["appointmentId"]!.GetValue<string>();
        using (var cancel = await hub.CancelAsync(id))
        {
            var body = JsonNode.Parse(await cancel.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            Assert.Equal("Cancelled", body["status"]!.GetValue<string>());
        }

        Assert.Equal(1, AppointmentsFixture.Slot(await hub.SlotsAsync("2026-09-21"), "0830")!["remaining"]!.GetValue<int>());
        using (var next = await hub.BookAsync(waiting))
        {
            Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        }

        using (var again = await hub.CancelAsync(id))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        // Another platform cannot see or cancel it; the platform's feed has its booking and its cancellation.
        using (var foreign = await hub.CancelAsync(booked[0]["appointmentId"]!.GetValue<string>(), AppointmentsFixture.KeyB))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        var steps = (await hub.AppointmentEventsAsync(id)).Select(e => e["step"]!.GetValue<string>()).ToList();
        Assert.Equal(["booked", "cancelled"], steps);
    }

    [Fact]
    public async Task Booking_RetriedAndRepeated_OneBookingPerKeyAndOnePerResidentItemAndDay()
    {
        var resident = hub.NewResident();
        var body = AppointmentsFixture.Body("2026-09-22", "0900", resident);
        using var first = await hub.BookAsync(body, "key-22");
        using var retry = await hub.BookAsync(body, "key-22");
        var a = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        var b = JsonNode.Parse(await retry.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(a["appointmentId"]!.GetValue<string>(), b["appointmentId"]!.GetValue<string>());
        Assert.Single(await hub.AppointmentEventsAsync(a["appointmentId"]!.GetValue<string>()));

        // The answer carries the hall's address and the item's checklist from its guide.
        Assert.Contains("蝶梦社区", a["address"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEmpty(a["materials"]!.AsArray());
        Assert.Equal("2026-09-22T09:00:00+08:00", a["start"]!.GetValue<string>());

        using (var otherBody = await hub.BookAsync(AppointmentsFixture.Body("2026-09-22", "1000", resident), "key-22"))
        {
            Assert.Equal(HttpStatusCode.Conflict, otherBody.StatusCode);
        }

        // The same resident, item and day at another slot: refused; another item that day: fine.
        using (var twice = await hub.BookAsync(AppointmentsFixture.Body("2026-09-22", "1000", resident)))
        {
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
            Assert.Contains("resident: already holds a booking", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var otherItem = await hub.BookAsync(AppointmentsFixture.Body("2026-09-22", "1000", resident, item: "GA-001")))
        {
            Assert.Equal(HttpStatusCode.Created, otherItem.StatusCode);
        }
    }

    [Fact]
    public async Task Booking_PersonalData_SealedAtRestMaskedInAnswers()
    {
        var resident = hub.NewResident();
        using var response = await hub.BookAsync(AppointmentsFixture.Body("2026-09-23", "0900", resident));
        var answer = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.DoesNotContain(resident.IdNumber, answer, StringComparison.Ordinal);
        Assert.DoesNotContain(resident.Phone, answer, StringComparison.Ordinal);
        Assert.DoesNotContain(resident.Name, answer, StringComparison.Ordinal);
        Assert.Contains($"139****{resident.Phone[^4..]}", answer, StringComparison.Ordinal);

        var rows = await BookingsAsync("DIEMENG_20260923");
        var stored = string.Join("|", rows.SelectMany(r => r).Select(p => p.Value).Select(v => v is byte[] bytes ? Convert.ToBase64String(bytes) : v?.ToString()));
        Assert.NotEmpty(rows);
        Assert.DoesNotContain(resident.IdNumber, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(resident.Phone, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(resident.Name, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Booking_WithoutRaces_CostsFiveStorageCalls()
    {
        var calls = hub.Services.GetRequiredService<StorageCalls>();
        await hub.BookNewAsync("2026-09-24", "0900"); // the table exists and the feed's sequence row is warm
        var before = Calls(calls, "appointment-book");

        await hub.BookNewAsync("2026-09-24", "0930");

        var cost = Calls(calls, "appointment-book") - before;
        output.WriteLine($"one booking: {cost} storage calls");
        Assert.InRange(cost, 1, 5);
    }

    private static double Calls(StorageCalls calls, string operation) =>
        calls.Snapshot().TryGetValue(operation, out var counts) ? counts.Values.Sum() : 0;

    private async Task<List<TableEntity>> BookingsAsync(string partition)
    {
        var table = new TableServiceClient(hub.Azurite.ConnectionString).GetTableClient("hubappointments");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition && e.RowKey.CompareTo("a-") >= 0 && e.RowKey.CompareTo("a.") < 0))
        {
            rows.Add(row);
        }

        return rows;
    }
}
