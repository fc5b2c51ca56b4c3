using IntegrationHub.Communities;
using IntegrationHub.Contracts;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Appointments;

/// <summary>A checked booking request, before anything is stored.</summary>
internal sealed record BookingRequest(ServiceItemSummary Item, Community Community, PlannedSlot Slot, ResidentOf Resident, string ResidentHash, string BodyHash);

/// <summary>
/// Every change of a booking goes through here: written under its ETag (the place with it, for booking and cancelling),
/// then published to the platform's feed and webhook. Steps are one-way, so each event id is published at most once.
/// </summary>
internal sealed partial class AppointmentService(
    AppointmentStore store,
    AppointmentFeed feed,
    CommunityRegistry communities,
    IOptions<AppointmentOptions> options,
    TimeProvider time,
    ILogger<AppointmentService> logger)
{
    public const string Booked = "booked";
    public const string Cancelled = "cancelled";
    public const string Reminder = "reminder";
    public const string Arrived = "arrived";
    public const string Done = "done";
    public const string NoShow = "no-show";

    /// <summary>The outcomes a community worker records, and the status each leads to.</summary>
    public static readonly IReadOnlyDictionary<string, AppointmentStatus> Outcomes = new Dictionary<string, AppointmentStatus>
    {
        [Arrived] = AppointmentStatus.Arrived,
        [Done] = AppointmentStatus.Done,
        [NoShow] = AppointmentStatus.NoShow,
    };

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Why the slot cannot be booked now (started, beyond the horizon), or null.</summary>
    public string? OutsideWindow(PlannedSlot slot)
    {
        var now = time.GetUtcNow();
        return slot.Start <= now ? "has started or is over: only future slots can be booked."
            : slot.Start - now > options.Value.Horizon ? $"is beyond the booking horizon ({options.Value.Horizon.TotalDays:0.#} days ahead)."
            : null;
    }

    /// <summary>Why the resident may not book now (too many no-shows), or null: one point read.</summary>
    public async Task<DateTimeOffset?> BlockedUntilAsync(string residentHash, CancellationToken cancellationToken) =>
        await store.NoShowsAsync(residentHash, cancellationToken) is { BlockedUntil: { } until } && until > time.GetUtcNow() ? until : null;

    /// <summary>
    /// Books the slot for the resident under <paramref name="id"/>. Storage: the booking transaction (2 calls, 2 more per race
    /// lost for the last places) and, when booked, the event (1).
    /// </summary>
    public async Task<(BookOutcome Outcome, AppointmentEntity? Appointment)> BookAsync(string id, string platform, BookingRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var appointment = new AppointmentEntity
        {
            PartitionKey = AppointmentStore.DayPartition(request.Community.Code, SlotPlanner.Today(request.Slot.Start)),
            AppointmentId = id,
            Platform = platform,
            Community = request.Community.Code,
            ItemCode = request.Item.Code,
            SlotId = request.Slot.SlotId,
            Start = request.Slot.Start,
            End = request.Slot.End,
            Status = nameof(AppointmentStatus.Booked),
            NameMasked = Masking.Name(request.Resident.Name),
            PhoneMasked = Masking.Phone(request.Resident.Phone),
            IdNumberMasked = Masking.IdNumber(request.Resident.IdNumber),
            ResidentHash = request.ResidentHash,
            BodyHash = request.BodyHash,
            BookedAt = now,
            UpdatedAt = now,
        };
        store.Seal(appointment, request.Resident);
        var outcome = await store.BookAsync(appointment, request.Community.ServiceHall.Counters, cancellationToken);
        if (outcome == BookOutcome.Exists)
        {
            return (outcome, await store.FindAsync(id, cancellationToken));
        }

        if (outcome != BookOutcome.Booked)
        {
            Log.Refused(logger, request.Community.Code, request.Slot.SlotId, outcome);
            return (outcome, null);
        }

        await feed.PublishAsync(appointment, Booked, appointment.Status, now);
        Log.Booked(logger, id, request.Community.Code, request.Item.Code);
        return (outcome, appointment);
    }

    /// <summary>Publishes a booking's "booked" event again (a retried submission: the first may have stopped before it).</summary>
    public Task RepublishAsync(AppointmentEntity appointment) => feed.PublishAsync(appointment, Booked, nameof(AppointmentStatus.Booked), appointment.BookedAt);

    /// <summary>Cancels a booking before its slot starts and frees the place. Answers the booking and why not, if refused.</summary>
    public Task<(AppointmentEntity? Appointment, string? Refusal)> CancelAsync(AppointmentEntity appointment, CancellationToken cancellationToken) =>
        StepAsync(appointment, Cancelled, null, cancellationToken);

    /// <summary>Records an outcome at the hall (arrived, done, no-show) by a community worker.</summary>
    public Task<(AppointmentEntity? Appointment, string? Refusal)> MarkAsync(AppointmentEntity appointment, string outcome, string worker, CancellationToken cancellationToken) =>
        StepAsync(appointment, outcome, worker, cancellationToken);

    /// <summary>
    /// The reminder job (a timer trigger on Azure, the local host's sweep): per community, one range read of each day
    /// partition the reminder window reaches; per booking due, the event and one conditional write noting it.
    /// Answers the reminders sent.
    /// </summary>
    public async Task<int> RunRemindersAsync(CancellationToken cancellationToken)
    {
        using var calls = StorageCalls.Begin("appointment-reminders");
        var now = time.GetUtcNow();
        var until = now + options.Value.ReminderBefore;
        var sent = 0;
        foreach (var community in communities.All)
        {
            for (var date = SlotPlanner.Today(now); date <= SlotPlanner.Today(until); date = date.AddDays(1))
            {
                foreach (var booking in await store.DayAsync(community.Code, date, cancellationToken))
                {
                    if (booking.Status != nameof(AppointmentStatus.Booked) || booking.RemindedAt is not null || booking.Start > until || booking.Start <= now)
                    {
                        continue;
                    }

                    // The event first: a crash before the write sends it again next run, and the feed takes it once.
                    var published = await feed.PublishAsync(booking, Reminder, booking.Status, now);
                    booking.RemindedAt = now;
                    await store.ChangeAsync(booking, freePlace: false, cancellationToken);
                    if (published)
                    {
                        sent++;
                        Log.Reminded(logger, booking.AppointmentId, booking.Community);
                    }
                }
            }
        }

        if (sent == 0)
        {
            calls.MarkIdle();
        }

        return sent;
    }

    private async Task<(AppointmentEntity? Appointment, string? Refusal)> StepAsync(AppointmentEntity appointment, string step, string? worker, CancellationToken cancellationToken)
    {
        var current = appointment;
        for (var attempt = 0; attempt < 8 && current is not null; attempt++)
        {
            var now = time.GetUtcNow();
            var previous = current.Status;
            if (Refusal(current, step, now) is { } refusal)
            {
                return (current, refusal);
            }

            current.Status = step == Cancelled ? nameof(AppointmentStatus.Cancelled) : Outcomes[step].ToString();
            current.UpdatedAt = now;
            current.MarkedBy = worker ?? current.MarkedBy;
            if (await store.ChangeAsync(current, freePlace: step == Cancelled, cancellationToken))
            {
                await feed.PublishAsync(current, step, previous, now);
                if (step == NoShow)
                {
                    var counted = await store.CountNoShowAsync(current.ResidentHash, options.Value.NoShowLimit, options.Value.NoShowBlock, cancellationToken);
                    if (counted.BlockedUntil > now)
                    {
                        Log.Blocked(logger, current.AppointmentId, counted.BlockedUntil.Value);
                    }
                }

                return (current, null);
            }

            // Changed meanwhile (a worker's mark, the reminder, a retry): judge the step on what is there now.
            current = await store.FindAsync(appointment.AppointmentId, cancellationToken);
        }

        return (current, current is null ? "is gone." : "changed too often meanwhile: try again.");
    }

    /// <summary>Why <paramref name="step"/> cannot be taken now, or null. Steps are one-way: each happens once.</summary>
    public static string? Refusal(AppointmentEntity a, string step, DateTimeOffset now)
    {
        var status = Enum.Parse<AppointmentStatus>(a.Status);
        var dayStarted = now >= new DateTimeOffset(SlotPlanner.Today(a.Start).ToDateTime(TimeOnly.MinValue), SlotPlanner.China);
        return step switch
        {
            Cancelled when status != AppointmentStatus.Booked => $"is {status}: only a booked visit can be cancelled.",
            Cancelled when now >= a.Start => "has started: a visit can be cancelled until its slot starts.",
            Arrived when status != AppointmentStatus.Booked => $"is {status}: arrival is recorded once, for a booked visit.",
            Arrived or Done when !dayStarted => "is on a later day: outcomes are recorded on the day of the visit.",
            Done when status is not (AppointmentStatus.Booked or AppointmentStatus.Arrived) => $"is {status}: only a booked or arrived visit is done.",
            NoShow when status != AppointmentStatus.Booked => $"is {status}: only a booked visit can be a no-show.",
            NoShow when now < a.Start => "has not started: a no-show is recorded once the slot has begun.",
            _ => null,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 13001, Level = LogLevel.Information, Message = "Booked appointment {AppointmentId} at community {Community} for item {ItemCode}")]
        public static partial void Booked(ILogger logger, string appointmentId, string community, string itemCode);

        [LoggerMessage(EventId = 13002, Level = LogLevel.Information, Message = "Refused a booking of community {Community} slot {SlotId}: {Outcome}")]
        public static partial void Refused(ILogger logger, string community, string slotId, BookOutcome outcome);

        [LoggerMessage(EventId = 13003, Level = LogLevel.Information, Message = "Reminded appointment {AppointmentId} of community {Community}")]
        public static partial void Reminded(ILogger logger, string appointmentId, string community);

        [LoggerMessage(EventId = 13004, Level = LogLevel.Information, Message = "No-show of appointment {AppointmentId}: the resident cannot book until {BlockedUntil}")]
        public static partial void Blocked(ILogger logger, string appointmentId, DateTimeOffset blockedUntil);
    }
}
