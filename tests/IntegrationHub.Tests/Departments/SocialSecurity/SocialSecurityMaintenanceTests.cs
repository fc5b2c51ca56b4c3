using IntegrationHub.Departments.SocialSecurity;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

public sealed class SocialSecurityMaintenanceTests
{
    private static readonly SocialSecurityMaintenance Nightly = new(new TimeOnly(23, 0), new TimeOnly(1, 0));

    [Theory]
    [InlineData("23:30:00", "01:30:00")]
    [InlineData("23:00:00", "02:00:00")]
    [InlineData("00:00:00", "01:00:00")]
    [InlineData("00:30:00", "00:30:00")]
    [InlineData("00:59:59", "00:00:01")]
    [InlineData("01:00:00", null)]
    [InlineData("22:59:59", null)]
    [InlineData("12:00:00", null)]
    public void Remaining_WindowAcrossMidnight_UntilOneOClock(string chinaTime, string? expected)
    {
        Assert.Equal(Parse(expected), Nightly.Remaining(At(chinaTime)));
    }

    [Theory]
    [InlineData("12:00:00", "00:10:00")]
    [InlineData("12:05:30", "00:04:30")]
    [InlineData("12:10:00", null)]
    [InlineData("11:59:59", null)]
    [InlineData("23:30:00", null)]
    [InlineData("00:30:00", null)]
    public void Remaining_SameDayWindow_UntilItsEnd(string chinaTime, string? expected)
    {
        var window = new SocialSecurityMaintenance(new TimeOnly(12, 0), new TimeOnly(12, 10));

        Assert.Equal(Parse(expected), window.Remaining(At(chinaTime)));
    }

    [Fact]
    public void Remaining_StartEqualsEnd_NeverInside()
    {
        var window = new SocialSecurityMaintenance(new TimeOnly(1, 0), new TimeOnly(1, 0));

        Assert.Null(window.Remaining(At("01:00:00")));
        Assert.Null(window.Remaining(At("13:00:00")));
    }

    [Fact]
    public void Remaining_UtcInstant_ReadInChinaTime()
    {
        // 15:30 UTC is 23:30 in Xuzhou.
        Assert.Equal(TimeSpan.FromMinutes(90), Nightly.Remaining(new DateTimeOffset(2026, 11, 28, 15, 30, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("23:30:00", "01:30:00")]
    [InlineData("00:45:00", "00:15:00")]
    [InlineData("22:58:00", "02:02:00")]
    [InlineData("22:54:00", null)]
    [InlineData("01:00:30", null)]
    [InlineData("12:00:00", null)]
    public void HoldAfterGatewayMaintenance_GatewaySays9003_UntilWindowEndOrUnexplained(string chinaTime, string? expected)
    {
        Assert.Equal(Parse(expected), Nightly.HoldAfterGatewayMaintenance(At(chinaTime)));
    }

    private static DateTimeOffset At(string chinaTime) =>
        new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.FromHours(8)) + TimeSpan.Parse(chinaTime, System.Globalization.CultureInfo.InvariantCulture);

    private static TimeSpan? Parse(string? value) =>
        value is null ? null : TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
}
