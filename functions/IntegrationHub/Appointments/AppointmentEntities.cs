using Azure;
using Azure.Data.Tables;

namespace IntegrationHub.Appointments;

/// <summary>
/// A booking (RowKey <c>a-{id}</c>) in its hall's day partition. The resident's name, ID number and phone are sealed
/// (<see cref="ResidentOf"/>); only masks are readable, and a keyed hash of the ID number joins the no-show count.
/// </summary>
public sealed class AppointmentEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string AppointmentId { get; set; } = "";
    public string Platform { get; set; } = "";
    public string Community { get; set; } = "";
    public string ItemCode { get; set; } = "";
    public string SlotId { get; set; } = "";
    public DateTimeOffset Start { get; set; }
    public DateTimeOffset End { get; set; }
    public string Status { get; set; } = "";
    public byte[]? SealedResident { get; set; }
    public string NameMasked { get; set; } = "";
    public string PhoneMasked { get; set; } = "";
    public string IdNumberMasked { get; set; } = "";
    public string ResidentHash { get; set; } = "";
    public string BodyHash { get; set; } = "";
    public DateTimeOffset BookedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? RemindedAt { get; set; }

    /// <summary>The portal user who recorded the outcome (到场, 办结, 未到).</summary>
    public string? MarkedBy { get; set; }
}

/// <summary>
/// A slot's count of held places (RowKey <c>slot-{HHmm}</c>) in the day partition. Every booking and cancellation changes it
/// in the same transaction as the booking, under its ETag: two bookings that read the same count cannot both commit.
/// </summary>
public sealed class SlotEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Booked { get; set; }
}

/// <summary>
/// Small rows of the appointments table: a resident's active booking of an item on a day (<c>r-{hash}-{item}</c> in the day
/// partition, inserted with the booking, so a second one conflicts), idempotency claims (<c>idem-{platform}</c>), and a
/// resident's no-show count (<c>resident-{hash}</c>/<c>noshow</c>).
/// </summary>
public sealed class AppointmentIndexEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string? AppointmentId { get; set; }
    public string? BodyHash { get; set; }
    public int NoShows { get; set; }
    public DateTimeOffset? BlockedUntil { get; set; }
}

/// <summary>The resident as kept sealed in <see cref="AppointmentEntity.SealedResident"/>.</summary>
public sealed record ResidentOf(string Name, string IdNumber, string Phone);
