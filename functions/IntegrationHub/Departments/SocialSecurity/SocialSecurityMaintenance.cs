namespace IntegrationHub.Departments.SocialSecurity;

// Assumption: a window whose start equals its end is empty (no maintenance), not a whole day.
/// <summary>
/// The gateway's nightly maintenance window, as times of day in China Standard Time. The window may cross midnight
/// (23:00–01:00) or not (a joint-testing window such as 12:00–12:10); the arithmetic is on a 24-hour circle, so
/// both read the same.
/// </summary>
internal readonly record struct SocialSecurityMaintenance(TimeOnly Start, TimeOnly End)
{
    // The gateway refuses timestamps more than 300 s off its clock, so its window may be that far from ours.
    private static readonly TimeSpan GatewayClockSkew = TimeSpan.FromSeconds(300);

    private TimeSpan Length => End - Start;

    /// <summary>How long until the window ends, or null when <paramref name="now"/> is outside it.</summary>
    public TimeSpan? Remaining(DateTimeOffset now)
    {
        var timeOfDay = TimeOfDay(now);
        return timeOfDay - Start < Length ? Until(now) : null;
    }

    /// <summary>
    /// How long to hold after the gateway itself answered 9003, when our window explains it: until the window ends, as
    /// our clock has it. Null when it does not (a differently configured joint-testing gateway, maintenance running
    /// over): the client then holds with growing steps instead of until a window end that does not apply.
    /// </summary>
    public TimeSpan? HoldAfterGatewayMaintenance(DateTimeOffset now)
    {
        // Assumption: up to 300 s before our start (the gateway's clock ahead of ours) the window end still explains the answer.
        var untilEnd = Until(now);
        return untilEnd <= Length + GatewayClockSkew ? untilEnd : null;
    }

    private TimeSpan Until(DateTimeOffset now)
    {
        // TimeOnly's difference runs forward around the clock; sub-second precision is kept so the hold ends on the dot.
        var china = now.ToOffset(SocialSecurityTranslator.ChinaOffset);
        var untilEnd = End.ToTimeSpan() - china.TimeOfDay;
        return untilEnd <= TimeSpan.Zero ? untilEnd + TimeSpan.FromDays(1) : untilEnd;
    }

    private static TimeOnly TimeOfDay(DateTimeOffset now) =>
        TimeOnly.FromTimeSpan(now.ToOffset(SocialSecurityTranslator.ChinaOffset).TimeOfDay);
}
