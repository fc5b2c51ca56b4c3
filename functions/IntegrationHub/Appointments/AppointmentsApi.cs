using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Applications;
using IntegrationHub.Catalog;
using IntegrationHub.Communities;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using IntegrationHub.Platforms;
using IntegrationHub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Appointments;

/// <summary>The platforms' side of booking a visit: a hall's slots (public), book, read and cancel (platform key).</summary>
internal sealed class AppointmentsApi(
    AppointmentService service,
    AppointmentStore store,
    SlotPlanner planner,
    CommunityRegistry communities,
    ServiceCatalog catalog,
    IdHasher hasher,
    PlatformAuth auth)
{
    private const int MaxBodyBytes = 4096;
    private static readonly string[] Fields = ["itemCode", "communityCode", "date", "slotId", "resident"];
    private static readonly string[] ResidentFields = ["name", "idNumber", "phone"];

    /// <summary><c>GET /communities/{code}/slots?itemCode=…&amp;date=yyyy-MM-dd</c>: one range read for a bookable day, none otherwise.</summary>
    public async Task<Results<JsonHttpResult<AppointmentSlots>, ProblemHttpResult>> SlotsAsync(HttpRequest request, string code, CancellationToken cancellationToken)
    {
        if (communities.Find(code) is not { } community)
        {
            return Problems.NotFound($"No community has the code '{code}'.");
        }

        var errors = new Dictionary<string, string[]>();
        var item = Item(request.Query["itemCode"].ToString(), errors);
        var date = Date(request.Query["date"].ToString(), errors);
        if (errors.Count > 0)
        {
            return Problems.Fields(errors);
        }

        using var calls = StorageCalls.Begin("appointment-slots");
        var day = planner.Plan(community, date);
        var open = day.Slots.Where(s => service.OutsideWindow(s) is null).ToList();
        var counts = open.Count > 0 ? await store.CountsAsync(community.Code, date, cancellationToken) : new Dictionary<string, int>();
        var capacity = community.ServiceHall.Counters;
        var slots = day.Slots.Select(s =>
        {
            var remaining = Math.Max(0, capacity - counts.GetValueOrDefault(s.SlotId));
            return new AppointmentSlot(s.SlotId, s.Start, s.End, capacity, remaining, remaining > 0 && open.Contains(s));
        }).ToList();
        return TypedResults.Json(new AppointmentSlots(community.Code, community.Name, item!.Code, date, SlotPlanner.KindName(day.Kind), day.Note,
            community.ServiceHall.Address, slots), HubJson.Info<AppointmentSlots>());
    }

    /// <summary>
    /// <c>POST /appointments</c>. Storage calls: claim the key (1), the no-show row (1), the place and the booking (2, and 2
    /// per race lost for the last places), the event (1): 5 for a booking that meets no race.
    /// </summary>
    public async Task<Results<JsonHttpResult<AppointmentView>, ProblemHttpResult>> BookAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (auth.Authenticate(request) is not { } platform)
        {
            return PlatformAuth.Unauthorized();
        }

        var (idempotencyKey, keyProblem) = IdempotencyKey.Read(request);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        var (node, bodyProblem) = await RequestBody.ReadJsonAsync(request, MaxBodyBytes, cancellationToken);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        var (booking, problem) = Read(node);
        if (problem is not null)
        {
            return problem;
        }

        using var calls = StorageCalls.Begin("appointment-book");
        var (id, replayed, conflict) = await store.ClaimAsync(platform.Name, idempotencyKey!,
            booking!.BodyHash, AppointmentStore.NewId(booking.Community.Code, SlotPlanner.Today(booking.Slot.Start)), cancellationToken);
        if (conflict)
        {
            return Problems.Field(IdempotencyKey.Header, "was already used for a different booking.", StatusCodes.Status409Conflict);
        }

        if (replayed && await store.FindAsync(id, cancellationToken) is { } existing)
        {
            // The first answer may never have reached the platform, nor its event the feed: both again, the event at most once.
            await service.RepublishAsync(existing);
            request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
            return Created(request, existing);
        }

        if (await service.BlockedUntilAsync(booking.ResidentHash, cancellationToken) is { } until)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Booking blocked",
                detail: $"resident: missed too many booked visits; can book again after {until.ToOffset(SlotPlanner.China):yyyy-MM-dd HH:mm} (+08:00).");
        }

        var (outcome, appointment) = await service.BookAsync(id, platform.Name, booking, cancellationToken);
        return outcome switch
        {
            BookOutcome.Full => Problems.Field("slotId", $"has no place left at {booking.Community.Name} on {booking.Slot.Start.ToOffset(SlotPlanner.China):yyyy-MM-dd HH:mm}: choose another slot.", StatusCodes.Status409Conflict),
            BookOutcome.Duplicate => Problems.Field("resident", $"already holds a booking of {booking.Item.Code} on that day: cancel it first or choose another day.", StatusCodes.Status409Conflict),
            _ => Created(request, appointment!),
        };
    }

    public async Task<Results<JsonHttpResult<AppointmentView>, ProblemHttpResult>> GetAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (auth.Authenticate(request) is not { } platform)
        {
            return PlatformAuth.Unauthorized();
        }

        var appointment = await store.FindAsync(id, cancellationToken);
        return appointment is null || appointment.Platform != platform.Name
            ? Problems.NotFound($"No appointment '{id}' for this platform.")
            : TypedResults.Json(View(appointment), HubJson.Info<AppointmentView>());
    }

    /// <summary><c>DELETE /appointments/{id}</c>: cancels until the slot starts and frees the place. Storage: 3 calls and the event.</summary>
    public async Task<Results<JsonHttpResult<AppointmentView>, ProblemHttpResult>> CancelAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (auth.Authenticate(request) is not { } platform)
        {
            return PlatformAuth.Unauthorized();
        }

        using var calls = StorageCalls.Begin("appointment-cancel");
        var appointment = await store.FindAsync(id, cancellationToken);
        if (appointment is null || appointment.Platform != platform.Name)
        {
            return Problems.NotFound($"No appointment '{id}' for this platform.");
        }

        var (after, refusal) = await service.CancelAsync(appointment, cancellationToken);
        return refusal is not null
            ? Problems.Field("status", refusal, StatusCodes.Status409Conflict)
            : TypedResults.Json(View(after!), HubJson.Info<AppointmentView>());
    }

    public AppointmentView View(AppointmentEntity a)
    {
        var entry = catalog.Find(a.ItemCode);
        var community = communities.Find(a.Community);
        return new AppointmentView(a.AppointmentId, Enum.Parse<AppointmentStatus>(a.Status), a.ItemCode, entry?.Item.NameZh ?? a.ItemCode,
            a.Community, community?.Name ?? a.Community, community?.ServiceHall.Address ?? "", a.SlotId, a.Start.ToOffset(SlotPlanner.China),
            a.End.ToOffset(SlotPlanner.China), a.NameMasked, a.PhoneMasked, Checklist(a.ItemCode), a.BookedAt, a.UpdatedAt);
    }

    /// <summary>What to bring, from the item's guide.</summary>
    public IReadOnlyList<ChecklistMaterial> Checklist(string itemCode) =>
        catalog.Find(itemCode)?.Guide.Materials.Select(m => new ChecklistMaterial(m.Name, m.Form, m.Count, m.Required, m.Note)).ToList() ?? [];

    private JsonHttpResult<AppointmentView> Created(HttpRequest request, AppointmentEntity appointment)
    {
        var location = $"/{HubRoutes.Prefix}/appointments/{appointment.AppointmentId}";
        request.HttpContext.Response.Headers.Location = location;
        return TypedResults.Json(View(appointment), HubJson.Info<AppointmentView>(), contentType: "application/json", statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The body as a checked booking, or a problem naming every offending field.</summary>
    private (BookingRequest? Booking, ProblemHttpResult? Problem) Read(JsonNode? node)
    {
        if (node is not JsonObject submitted)
        {
            return (null, Problems.Field("body", "must be a JSON object: itemCode, communityCode, date, slotId, resident {name, idNumber, phone}."));
        }

        var (body, errors) = ApplicationText.Normalise(submitted);
        foreach (var unknown in body.Select(p => p.Key).Where(k => !Fields.Contains(k)))
        {
            errors.TryAdd(unknown.Length <= 40 ? unknown : unknown[..40], ["is not a field of a booking (itemCode, communityCode, date, slotId, resident)."]);
        }

        var item = Item(Text(body, "itemCode", errors), errors);
        var communityCode = Text(body, "communityCode", errors);
        var community = communityCode is null ? null : communities.Find(communityCode);
        if (communityCode is not null && community is null)
        {
            errors.TryAdd("communityCode", ["is not a community of the registry (GET /communities)."]);
        }

        var dateText = Text(body, "date", errors);
        var date = dateText is null ? default : Date(dateText, errors);
        var slotId = Text(body, "slotId", errors);
        var resident = Resident(body["resident"], errors);
        PlannedSlot? slot = null;
        if (errors.Count == 0)
        {
            slot = planner.Find(community!, date, slotId!);
            if (slot is null)
            {
                var day = planner.Plan(community!, date);
                errors["slotId"] = [day.Slots.Count == 0 ? $"is not offered: {day.Note ?? "the hall is closed that day."}" : "is not a slot of that day (GET /communities/{code}/slots)."];
            }
            else if (service.OutsideWindow(slot) is { } outside)
            {
                errors["slotId"] = [outside];
            }
        }

        if (errors.Count > 0)
        {
            return (null, Problems.Fields(errors));
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body.ToJsonString())));
        return (new BookingRequest(item!, community!, slot!, resident!, hasher.Hash(resident!.IdNumber), hash), null);
    }

    private ServiceItemSummary? Item(string? code, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 20 || catalog.Find(code.ToUpperInvariant()) is not { } entry)
        {
            errors.TryAdd("itemCode", ["must be the code of a catalog item (GET /service-items)."]);
            return null;
        }

        return entry.Item;
    }

    private static DateOnly Date(string text, Dictionary<string, string[]> errors)
    {
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) || date.Year is < 2000 or > 2100)
        {
            errors.TryAdd("date", ["must be a day, yyyy-MM-dd."]);
        }

        return date;
    }

    private static ResidentOf? Resident(JsonNode? node, Dictionary<string, string[]> errors)
    {
        if (node is not JsonObject resident)
        {
            errors.TryAdd("resident", ["is required: {\"name\", \"idNumber\", \"phone\"}."]);
            return null;
        }

        foreach (var unknown in resident.Select(p => p.Key).Where(k => !ResidentFields.Contains(k)))
        {
            errors.TryAdd("resident." + (unknown.Length <= 40 ? unknown : unknown[..40]), ["is not a field of a resident (name, idNumber, phone)."]);
        }

        var name = Text(resident, "name", errors, "resident.");
        if (name is not null && name.EnumerateRunes().Count() > 50)
        {
            errors.TryAdd("resident.name", ["must be 1-50 characters."]);
        }

        var id = Text(resident, "idNumber", errors, "resident.");
        if (id is not null && !CitizenId.TryParse(id, out _, out _, out var why))
        {
            errors.TryAdd("resident.idNumber", [why]);
        }

        var phone = Text(resident, "phone", errors, "resident.");
        if (phone is not null && (phone.Length != 11 || phone[0] != '1' || phone[1] is < '3' or > '9' || !phone.All(char.IsAsciiDigit)))
        {
            errors.TryAdd("resident.phone", ["must be a mobile number: 11 digits, 1 then 3-9."]);
        }

        return name is null || id is null || phone is null ? null : new ResidentOf(name, id, phone);
    }

    private static string? Text(JsonObject body, string field, Dictionary<string, string[]> errors, string prefix = "")
    {
        if (body[field] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } text)
        {
            return text;
        }

        errors.TryAdd(prefix + field, ["is required and must be a non-empty string."]);
        return null;
    }
}
