using System.Text.Json.Serialization;

namespace IntegrationHub.Contracts;

/// <summary>Where a booked visit stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AppointmentStatus>))]
public enum AppointmentStatus
{
    /// <summary>Booked: the place is held.</summary>
    Booked,

    /// <summary>Cancelled before the slot started: the place is free again.</summary>
    Cancelled,

    /// <summary>The resident arrived at the hall (到场).</summary>
    Arrived,

    /// <summary>The visit is done (办结).</summary>
    Done,

    /// <summary>The resident did not come (未到).</summary>
    NoShow,
}

/// <summary>One slot of a service hall on one day.</summary>
/// <param name="SlotId">The slot's local start time, <c>HHmm</c>: with the date it names the slot when booking.</param>
/// <param name="Start">Start (+08:00).</param>
/// <param name="End">End (+08:00).</param>
/// <param name="Capacity">Places: the hall's counters.</param>
/// <param name="Remaining">Places still free.</param>
/// <param name="Bookable">Whether it can be booked now: in the future, inside the booking horizon, with a place free.</param>
public sealed record AppointmentSlot(string SlotId, DateTimeOffset Start, DateTimeOffset End, int Capacity, int Remaining, bool Bookable);

/// <summary>A hall's slots on one day.</summary>
/// <param name="CommunityCode">The community.</param>
/// <param name="CommunityName">Its name.</param>
/// <param name="ItemCode">The item asked about.</param>
/// <param name="Date">The day (local, +08:00).</param>
/// <param name="Day"><c>ordinary</c>, <c>holiday</c> (closed), <c>make-up-workday</c> (调休上班: open as on a working day) or
/// <c>unknown</c> (the year's holiday arrangement is not known to the hub: nothing is offered).</param>
/// <param name="Note">Why the day is special (the festival), or why nothing is offered.</param>
/// <param name="Address">The hall's address.</param>
/// <param name="Slots">Its slots in order; empty on a closed day.</param>
public sealed record AppointmentSlots(
    string CommunityCode,
    string CommunityName,
    string ItemCode,
    DateOnly Date,
    string Day,
    string? Note,
    string Address,
    IReadOnlyList<AppointmentSlot> Slots);

/// <summary>The resident who will come. Validated like an application's applicant; kept encrypted.</summary>
/// <param name="Name">Full name, 1-50 characters.</param>
/// <param name="IdNumber">Citizen ID number, GB 11643-1999.</param>
/// <param name="Phone">Mobile phone, 11 digits.</param>
public sealed record AppointmentResident(string Name, string IdNumber, string Phone);

/// <summary>The body of <c>POST /appointments</c>.</summary>
/// <param name="ItemCode">The item the visit is for (any of the catalog's items).</param>
/// <param name="CommunityCode">The community whose hall is visited.</param>
/// <param name="Date">The day, <c>yyyy-MM-dd</c>.</param>
/// <param name="SlotId">The slot, as listed (<c>HHmm</c>).</param>
/// <param name="Resident">Who comes.</param>
public sealed record BookAppointment(string ItemCode, string CommunityCode, DateOnly Date, string SlotId, AppointmentResident Resident);

/// <summary>One material to bring, from the item's guide.</summary>
/// <param name="Name">材料名称.</param>
/// <param name="Form">原件, 复印件 …</param>
/// <param name="Count">份数.</param>
/// <param name="Required">Whether it is required.</param>
/// <param name="Note">备注, if any.</param>
public sealed record ChecklistMaterial(string Name, string Form, int Count, bool Required, string? Note);

/// <summary>A booking as the platform reads it. The resident's name and phone are masked.</summary>
/// <param name="AppointmentId">The booking number.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="ItemCode">The item.</param>
/// <param name="ItemName">Its name.</param>
/// <param name="CommunityCode">The community.</param>
/// <param name="CommunityName">Its name.</param>
/// <param name="Address">The hall's address.</param>
/// <param name="SlotId">The slot.</param>
/// <param name="Start">Slot start (+08:00).</param>
/// <param name="End">Slot end (+08:00).</param>
/// <param name="ResidentName">The resident's name, masked.</param>
/// <param name="ResidentPhone">The phone, masked.</param>
/// <param name="Materials">What to bring, from the item's guide.</param>
/// <param name="BookedAt">When it was booked.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record AppointmentView(
    string AppointmentId,
    AppointmentStatus Status,
    string ItemCode,
    string ItemName,
    string CommunityCode,
    string CommunityName,
    string Address,
    string SlotId,
    DateTimeOffset Start,
    DateTimeOffset End,
    string ResidentName,
    string ResidentPhone,
    IReadOnlyList<ChecklistMaterial> Materials,
    DateTimeOffset BookedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A booking changed: booked, cancelled, reminded, or its outcome at the hall. Sent to the platform's webhook and
/// readable from the event feed (<c>type</c> <c>appointment-changed</c>).</summary>
/// <param name="EventId">Unique id; a repeat delivery carries the same id.</param>
/// <param name="Cursor">Position in the caller's feed.</param>
/// <param name="AppointmentId">The booking.</param>
/// <param name="CommunityCode">Its community.</param>
/// <param name="ItemCode">Its item.</param>
/// <param name="Step"><c>booked</c>, <c>cancelled</c>, <c>reminder</c>, <c>arrived</c>, <c>done</c> or <c>no-show</c>.</param>
/// <param name="Status">The status after the step.</param>
/// <param name="PreviousStatus">The status before.</param>
/// <param name="Start">Slot start.</param>
/// <param name="End">Slot end.</param>
/// <param name="OccurredAt">When.</param>
public sealed record AppointmentChanged(
    string EventId,
    string Cursor,
    string AppointmentId,
    string CommunityCode,
    string ItemCode,
    string Step,
    AppointmentStatus Status,
    AppointmentStatus PreviousStatus,
    DateTimeOffset Start,
    DateTimeOffset End,
    DateTimeOffset OccurredAt) : HubEvent;
