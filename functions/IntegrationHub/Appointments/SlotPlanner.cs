using System.Globalization;
using IntegrationHub.Contracts;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Appointments;

/// <summary>One slot of a hall's day, before counting bookings.</summary>
internal sealed record PlannedSlot(string SlotId, DateTimeOffset Start, DateTimeOffset End);

/// <summary>A hall's day: what kind of day it is and the slots it offers (none when closed).</summary>
internal sealed record PlannedDay(DateOnly Date, DayKind Kind, string? Note, IReadOnlyList<PlannedSlot> Slots);

/// <summary>
/// Turns a hall's opening hours and the holiday calendar into slots. Pure: no storage, no clock; times are the city's
/// (+08:00, China has no daylight saving).
/// </summary>
internal sealed class SlotPlanner(HolidayCalendar calendar, IOptions<AppointmentOptions> options)
{
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    // Assumption: a make-up working day (调休上班) falls on a Saturday or Sunday and the notice does not say which weekday's
    // work it stands for; the hall keeps its Monday hours that day (docs/assumptions/appointments.md).
    private const int MakeUpWeekday = 1;

    public PlannedDay Plan(Community community, DateOnly date)
    {
        var (kind, name) = calendar.Of(date);
        var weekday = kind == DayKind.MakeUpWorkday ? MakeUpWeekday : date.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)date.DayOfWeek;
        var note = kind switch
        {
            DayKind.Holiday => $"{name}放假，服务大厅不开放",
            DayKind.MakeUpWorkday => $"{name}调休上班，服务大厅按工作日开放",
            DayKind.Unknown => $"{date.Year}年的节假日安排尚未收录，暂不开放预约",
            _ => null,
        };
        if (kind is DayKind.Holiday or DayKind.Unknown)
        {
            return new PlannedDay(date, kind, note, []);
        }

        var length = options.Value.SlotLength;
        var slots = new List<PlannedSlot>();
        foreach (var hours in community.ServiceHall.OpeningHours.Where(h => h.Days.Contains(weekday)))
        {
            var opens = TimeOnly.ParseExact(hours.Opens, "HH:mm", CultureInfo.InvariantCulture).ToTimeSpan();
            var closes = TimeOnly.ParseExact(hours.Closes, "HH:mm", CultureInfo.InvariantCulture).ToTimeSpan();
            for (var start = opens; start + length <= closes; start += length)
            {
                var at = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), China) + start;
                slots.Add(new PlannedSlot(IdOf(start), at, at + length));
            }
        }

        slots.Sort((a, b) => a.Start.CompareTo(b.Start));
        return new PlannedDay(date, kind, note, slots.DistinctBy(s => s.SlotId).ToList());
    }

    /// <summary>The slot of <paramref name="date"/> named <paramref name="slotId"/>, if the hall offers it that day.</summary>
    public PlannedSlot? Find(Community community, DateOnly date, string slotId) => Plan(community, date).Slots.FirstOrDefault(s => s.SlotId == slotId);

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(China).DateTime);

    public static string KindName(DayKind kind) => kind switch
    {
        DayKind.Holiday => "holiday",
        DayKind.MakeUpWorkday => "make-up-workday",
        DayKind.Unknown => "unknown",
        _ => "ordinary",
    };

    private static string IdOf(TimeSpan start) => start.ToString("hhmm", CultureInfo.InvariantCulture);
}
