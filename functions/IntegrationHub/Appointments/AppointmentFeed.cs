using IntegrationHub.Contracts;
using IntegrationHub.Storage;

namespace IntegrationHub.Appointments;

/// <summary>
/// Issue 13's addition to the platform events: each booking, cancellation, reminder and outcome becomes an event in the
/// platform's feed (<see cref="EventFeed"/>, told apart by <see cref="EventEntity.Type"/>), so the platform reads it in the
/// pull feed and the feed pump POSTs it to the same signed webhook. Each event is appended at most once (the feed keeps a
/// marker per event id): publishing again after a crash or by a second instance adds nothing.
/// </summary>
internal sealed class AppointmentFeed(EventFeed feed)
{
    public const string Type = "appointment-changed";

    public static bool Is(EventEntity row) => row.Type == Type;

    /// <summary>One transaction of the platform's feed partition (two when the event was already in).</summary>
    public async Task<bool> PublishAsync(AppointmentEntity appointment, string step, string previousStatus, DateTimeOffset at) =>
        (await feed.AppendOnceAsync(appointment.Platform,
        [
            new EventEntity
            {
                Type = Type,
                EventId = $"{appointment.AppointmentId}-{step}",
                AppointmentId = appointment.AppointmentId,
                Community = appointment.Community,
                ItemCode = appointment.ItemCode,
                Step = step,
                Status = appointment.Status,
                PreviousStatus = previousStatus,
                SlotStart = appointment.Start,
                SlotEnd = appointment.End,
                OccurredAt = at,
            },
        ])).Count > 0;

    public static AppointmentChanged ToEvent(EventEntity row) => new(
        row.EventId,
        row.RowKey,
        row.AppointmentId!,
        row.Community!,
        row.ItemCode,
        row.Step!,
        Enum.Parse<AppointmentStatus>(row.Status),
        Enum.Parse<AppointmentStatus>(row.PreviousStatus),
        row.SlotStart!.Value,
        row.SlotEnd!.Value,
        row.OccurredAt);
}
