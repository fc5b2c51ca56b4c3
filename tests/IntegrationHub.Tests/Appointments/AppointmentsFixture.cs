using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Tests.Http;
using IntegrationHub.Tests.Suggestions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Appointments;

/// <summary>
/// A hub with the community roles signed up (蝶梦社区 has 3 counters, 下淀社区 2), on a fake clock that every part of the hub
/// reads: Thursday 2026-09-17 09:00 in Xuzhou, so the 中秋 holiday and the 国庆 make-up Sunday fall inside the horizon.
/// </summary>
public class AppointmentsFixture : SuggestionsFixture
{
    public const string Item = "MZ-001";

    private int _residents;
    private FakeTimeProvider? _clock;

    public FakeTimeProvider Clock => _clock ??= new(StartAt);

    public static DateTimeOffset Start => new(2026, 9, 17, 1, 0, 0, TimeSpan.Zero);

    /// <summary>Where the fixture's clock starts.</summary>
    protected virtual DateTimeOffset StartAt => Start;

    protected override void Configure(Dictionary<string, string> settings)
    {
        base.Configure(settings);

        // Only the tests drive the reminder job, so every reminder in the feed is their doing.
        settings["Appointments:ReminderSchedule"] = IntegrationHub.Tests.Fixtures.HubFixture.Never;
    }

    protected override void ConfigureHost(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Clock);

    /// <summary>A resident no other test uses: name, a valid ID number, phone.</summary>
    public (string Name, string IdNumber, string Phone) NewResident()
    {
        var n = Interlocked.Increment(ref _residents);
        return ($"陈{(char)('一' + n % 500)}明", CitizenIds.Valid(new DateOnly(1960, 1, 1).AddDays(n * 37), n), $"139{n:D8}");
    }

    public static JsonObject Body(string date, string slotId, (string Name, string IdNumber, string Phone) resident, string community = Community, string item = Item) => new()
    {
        ["itemCode"] = item,
        ["communityCode"] = community,
        ["date"] = date,
        ["slotId"] = slotId,
        ["resident"] = new JsonObject { ["name"] = resident.Name, ["idNumber"] = resident.IdNumber, ["phone"] = resident.Phone },
    };

    public async Task<HttpResponseMessage> BookAsync(JsonObject body, string? idempotencyKey = null, string? apiKey = KeyA)
    {
        using var client = CreateClient(apiKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    /// <summary>Books a place for a new resident and answers the booking.</summary>
    public async Task<JsonNode> BookNewAsync(string date, string slotId, string community = Community)
    {
        using var response = await BookAsync(Body(date, slotId, NewResident(), community));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!;
    }

    public async Task<JsonNode> SlotsAsync(string date, string community = Community, string item = Item)
    {
        using var client = CreateClient(null);
        return (await client.GetFromJsonAsync<JsonNode>($"/api/v1/communities/{community}/slots?itemCode={item}&date={date}"))!;
    }

    public static JsonNode? Slot(JsonNode slots, string slotId) => slots["slots"]!.AsArray().FirstOrDefault(s => s!["slotId"]!.GetValue<string>() == slotId);

    public async Task<HttpResponseMessage> CancelAsync(string id, string apiKey = KeyA)
    {
        using var client = CreateClient(apiKey);
        return await client.DeleteAsync($"/api/v1/appointments/{id}");
    }

    /// <summary>Every appointment event of platform A's pull feed, oldest first.</summary>
    public async Task<List<JsonNode>> AppointmentEventsAsync(string? appointmentId = null)
    {
        using var client = CreateClient();
        var events = new List<JsonNode>();
        string? after = null;
        while (true)
        {
            var page = (await client.GetFromJsonAsync<JsonNode>($"/api/v1/events?limit=1000{(after is null ? "" : $"&after={after}")}"))!;
            var batch = page["events"]!.AsArray();
            events.AddRange(batch.Where(e => e!["type"]!.GetValue<string>() == "appointment-changed"
                && (appointmentId is null || e["appointmentId"]!.GetValue<string>() == appointmentId)).Select(e => e!));
            if (batch.Count < 1000)
            {
                return events;
            }

            after = page["next"]!.GetValue<string>();
        }
    }
}

/// <summary>
/// For the browser: the portal's session cookie carries an expiry on the hub's clock, which the browser judges on the real
/// one, so this clock starts at 09:00 (+08:00) on the first day after the real today on which 蝶梦's hall is open that day
/// and the next (Monday to Thursday, no holiday): never behind the browser.
/// </summary>
public sealed class AppointmentPortalFixture : AppointmentsFixture
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    protected override DateTimeOffset StartAt
    {
        get
        {
            var calendar = IntegrationHub.Appointments.HolidayCalendar.LoadEmbedded();
            var day = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().ToOffset(China).DateTime).AddDays(1);
            bool Open(DateOnly d) => d.DayOfWeek is >= DayOfWeek.Monday and <= DayOfWeek.Friday
                && calendar.Of(d).Kind == IntegrationHub.Appointments.DayKind.Ordinary;
            while (!Open(day) || !Open(day.AddDays(1)))
            {
                day = day.AddDays(1);
            }

            return new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), China);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AppointmentPortalCollection : ICollectionFixture<AppointmentPortalFixture>, ICollectionFixture<Portal.PortalBrowser>
{
    public const string Name = "appointment-portal";
}

[CollectionDefinition(Name)]
public sealed class AppointmentsCollection : ICollectionFixture<AppointmentsFixture>
{
    public const string Name = "appointments";
}
