using System.Text.Json;
using System.Text.Json.Serialization;
using IntegrationHub.Contracts;

namespace IntegrationHub.Appointments;

/// <summary>One booking in the worker's day view: the resident masked, what the worker may record next.</summary>
internal sealed record PortalBooking(
    string AppointmentId,
    string ItemCode,
    AppointmentStatus Status,
    string ResidentName,
    string ResidentPhone,
    string ResidentIdNumber,
    DateTimeOffset BookedAt,
    string? MarkedBy,
    IReadOnlyList<string> AllowedOutcomes);

/// <summary>A slot of the day with its bookings (cancelled ones left out).</summary>
internal sealed record PortalSlot(string SlotId, DateTimeOffset Start, DateTimeOffset End, int Capacity, int Booked, IReadOnlyList<PortalBooking> Bookings);

/// <summary>One hall on one day.</summary>
internal sealed record PortalHallDay(string Community, string CommunityName, string Address, string Day, string? Note, IReadOnlyList<PortalSlot> Slots);

internal sealed record PortalAppointmentDay(DateOnly Date, IReadOnlyList<PortalHallDay> Halls);

/// <summary>An item's materials checklist, once per item in the view.</summary>
internal sealed record PortalChecklist(string ItemCode, string ItemName, IReadOnlyList<ChecklistMaterial> Materials);

/// <summary>Today's and tomorrow's bookings of the halls the user sees, per slot.</summary>
internal sealed record PortalAppointments(string Scope, string ScopeName, bool CanMark, IReadOnlyList<PortalAppointmentDay> Days, IReadOnlyList<PortalChecklist> Checklists);

internal sealed record PortalOutcomeRequest(string Outcome);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ResidentOf))]
[JsonSerializable(typeof(PortalAppointments))]
[JsonSerializable(typeof(PortalOutcomeRequest))]
[JsonSerializable(typeof(PortalBooking))]
internal sealed partial class AppointmentJsonContext : JsonSerializerContext;

/// <summary>The appointment portal's JSON with readable Chinese, like the rest of the portal.</summary>
internal static class AppointmentJson
{
    private static readonly JsonSerializerOptions Options = new(AppointmentJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> Info<T>() =>
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}
