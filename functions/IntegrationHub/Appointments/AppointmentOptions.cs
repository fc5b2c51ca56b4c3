using System.ComponentModel.DataAnnotations;
using IntegrationHub.Composition;

namespace IntegrationHub.Appointments;

/// <summary>The booking rules (issue 13): slot length, how far ahead, reminders, no-shows.</summary>
public sealed class AppointmentOptions : IValidatableObject
{
    public const string Section = "Appointments";

    /// <summary>The length of one slot; a hall's opening period holds as many whole slots as fit.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "04:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SlotLength { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How far ahead a slot may be booked (from now to the slot's start).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "90.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Horizon { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long before the slot the reminder goes out ("the day before": 24 hours by default).</summary>
    [Range(typeof(TimeSpan), "00:10:00", "7.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ReminderBefore { get; set; } = TimeSpan.FromDays(1);

    /// <summary>No-shows that block a resident from booking.</summary>
    [Range(1, 100)]
    public int NoShowLimit { get; set; } = 3;

    /// <summary>How long a resident who reached <see cref="NoShowLimit"/> cannot book.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan NoShowBlock { get; set; } = TimeSpan.FromDays(30);

    /// <summary>When reminders are looked for (the <c>AppointmentReminders</c> timer, both hosts).</summary>
    [CronSchedule]
    public string ReminderSchedule { get; set; } = "30 */1 * * * *";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TimeSpan.FromDays(1).Ticks % SlotLength.Ticks != 0 || SlotLength.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            yield return new ValidationResult("must be whole minutes that divide a day (5, 10, 15, 20, 30, 60 … minutes).", [nameof(SlotLength)]);
        }
    }
}
