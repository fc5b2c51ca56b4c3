using IntegrationHub.Applications;
using IntegrationHub.Contracts;

namespace IntegrationHub.Tests.Applications;

public sealed class StatusMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 9, 0, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData(ApplicationStatus.Approved, ApplicationStatus.InReview)]
    [InlineData(ApplicationStatus.Denied, ApplicationStatus.Approved)]
    [InlineData(ApplicationStatus.Rejected, ApplicationStatus.Accepted)]
    public void Judge_FinalState_IsNeverLeft(ApplicationStatus final, ApplicationStatus to)
    {
        Assert.Equal(TransitionVerdict.Stale, StatusMachine.Judge(final, T0, to, T0.AddHours(1)));
    }

    [Fact]
    public void Judge_OlderReport_IsStale()
    {
        Assert.Equal(TransitionVerdict.Stale, StatusMachine.Judge(ApplicationStatus.InReview, T0, ApplicationStatus.Accepted, T0.AddMinutes(-1)));
    }

    [Fact]
    public void Judge_SameStatus_IsDuplicate()
    {
        Assert.Equal(TransitionVerdict.Duplicate, StatusMachine.Judge(ApplicationStatus.Accepted, T0, ApplicationStatus.Accepted, T0));
    }

    [Theory]
    [InlineData(ApplicationStatus.Accepted, ApplicationStatus.Rejected)]
    [InlineData(ApplicationStatus.InReview, ApplicationStatus.Accepted)]
    [InlineData(ApplicationStatus.Accepted, ApplicationStatus.Submitted)]
    [InlineData(ApplicationStatus.InReview, ApplicationStatus.Delivered)]
    public void Judge_BackwardsMove_IsIllegal(ApplicationStatus from, ApplicationStatus to)
    {
        Assert.Equal(TransitionVerdict.Illegal, StatusMachine.Judge(from, T0, to, T0.AddHours(1)));
    }

    [Theory]
    [InlineData(ApplicationStatus.Submitted, ApplicationStatus.Delivered)]
    [InlineData(ApplicationStatus.Delivered, ApplicationStatus.Accepted)]
    [InlineData(ApplicationStatus.Accepted, ApplicationStatus.InReview)]
    [InlineData(ApplicationStatus.InReview, ApplicationStatus.Approved)]
    [InlineData(ApplicationStatus.SupplementRequired, ApplicationStatus.Accepted)]
    [InlineData(ApplicationStatus.Delivered, ApplicationStatus.Rejected)]
    public void Judge_LifecycleStep_Applies(ApplicationStatus from, ApplicationStatus to)
    {
        Assert.Equal(TransitionVerdict.Apply, StatusMachine.Judge(from, T0, to, T0.AddHours(1)));
    }
}
