using IntegrationHub.Catalog;
using IntegrationHub.Communities;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using IntegrationHub.Portal;
using IntegrationHub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Appointments;

/// <summary>
/// The portal's day view of bookings. A community worker (全科社工) sees its hall's today and tomorrow per slot, with each
/// item's materials checklist, and records arrival (到场), done (办结) or no-show (未到); a street supervisor sees its
/// street's halls, operators and viewers every hall. Residents are masked as for applications; every mark is audited.
/// </summary>
internal sealed class AppointmentPortalApi(
    PortalAuth auth,
    AuditLog audit,
    AppointmentService service,
    AppointmentStore store,
    SlotPlanner planner,
    AppointmentsApi views,
    CommunityRegistry communities,
    ServiceCatalog catalog,
    TimeProvider time)
{
    /// <summary><c>GET /portal/appointments</c>: one range read per hall per day (today, tomorrow).</summary>
    public async Task<Results<JsonHttpResult<PortalAppointments>, ProblemHttpResult>> DayViewAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateAsync(request, cancellationToken) is not { } user)
        {
            return PortalAuth.SignInFirst();
        }

        var (scope, scopeName, halls) = ScopeOf(user);
        var today = SlotPlanner.Today(time.GetUtcNow());
        var now = time.GetUtcNow();
        var days = new List<PortalAppointmentDay>();
        var items = new HashSet<string>();
        foreach (var date in new[] { today, today.AddDays(1) })
        {
            var hallDays = new List<PortalHallDay>();
            foreach (var community in halls)
            {
                var plan = planner.Plan(community, date);
                var bookings = (await store.DayAsync(community.Code, date, cancellationToken)).Where(b => b.Status != nameof(AppointmentStatus.Cancelled)).ToList();
                items.UnionWith(bookings.Select(b => b.ItemCode));

                // A booking outside today's plan (hours changed since) still shows, in its own slot.
                var slots = plan.Slots.Select(s => (s.SlotId, s.Start, s.End))
                    .Concat(bookings.Where(b => plan.Slots.All(s => s.SlotId != b.SlotId)).Select(b => (b.SlotId, b.Start, b.End)))
                    .DistinctBy(s => s.SlotId).OrderBy(s => s.Start)
                    .Select(s =>
                    {
                        var held = bookings.Where(b => b.SlotId == s.SlotId).ToList();
                        return new PortalSlot(s.SlotId, s.Start.ToOffset(SlotPlanner.China), s.End.ToOffset(SlotPlanner.China), community.ServiceHall.Counters, held.Count,
                            [.. held.Select(b => Booking(user, b, now))]);
                    }).ToList();
                hallDays.Add(new PortalHallDay(community.Code, community.Name, community.ServiceHall.Address, SlotPlanner.KindName(plan.Kind), plan.Note, slots));
            }

            days.Add(new PortalAppointmentDay(date, hallDays));
        }

        var checklists = items.Order(StringComparer.Ordinal)
            .Select(code => new PortalChecklist(code, catalog.Find(code)?.Item.NameZh ?? code, views.Checklist(code))).ToList();
        return TypedResults.Json(new PortalAppointments(scope, scopeName, user.Role == PortalRoles.CommunityWorker, days, checklists),
            AppointmentJson.Info<PortalAppointments>());
    }

    /// <summary><c>POST /portal/appointments/{id}/outcome</c> <c>{outcome: arrived | done | no-show}</c>, by the hall's worker; audited.</summary>
    public async Task<Results<JsonHttpResult<PortalBooking>, ProblemHttpResult>> OutcomeAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (auth.RefuseCrossOrigin(request) is { } crossOrigin)
        {
            return crossOrigin;
        }

        if (await auth.AuthenticateAsync(request, cancellationToken) is not { } user)
        {
            return PortalAuth.SignInFirst();
        }

        // The body before the role, as every portal call that changes something: a form body is 415 for anyone.
        var (node, problem) = await RequestBody.ReadJsonAsync(request, 1024, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = RequestBody.As(node, AppointmentJsonContext.Default.PortalOutcomeRequest)?.Outcome;
        if (outcome is null || !AppointmentService.Outcomes.ContainsKey(outcome))
        {
            return Problems.Field("outcome", $"must be one of {string.Join(", ", AppointmentService.Outcomes.Keys)}.");
        }

        if (user.Role != PortalRoles.CommunityWorker)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "Only a community worker (全科社工) of the hall records a visit's outcome.");
        }

        using var calls = StorageCalls.Begin("appointment-outcome");
        var appointment = await store.FindAsync(id, cancellationToken);
        if (appointment is null || appointment.Community != user.Scope)
        {
            return Problems.NotFound($"No appointment '{id}' at your hall.");
        }

        var (after, refusal) = await service.MarkAsync(appointment, outcome, user.Name, cancellationToken);
        if (refusal is not null)
        {
            return Problems.Field("status", refusal, StatusCodes.Status409Conflict);
        }

        await audit.AppendAsync(user, $"appointment-{outcome}", id, null, null, cancellationToken);
        return TypedResults.Json(Booking(user, after!, time.GetUtcNow()), AppointmentJson.Info<PortalBooking>());
    }

    private static PortalBooking Booking(PortalUser user, AppointmentEntity b, DateTimeOffset now) => new(
        b.AppointmentId, b.ItemCode, Enum.Parse<AppointmentStatus>(b.Status), b.NameMasked, b.PhoneMasked, b.IdNumberMasked, b.BookedAt, b.MarkedBy,
        user.Role != PortalRoles.CommunityWorker ? [] : [.. AppointmentService.Outcomes.Keys.Where(o => AppointmentService.Refusal(b, o, now) is null)]);

    private (string Scope, string Name, IReadOnlyList<Community> Halls) ScopeOf(PortalUser user) => CommunityScope.Of(user, communities);
}
