using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Handoff;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Handoff;

/// <summary>The poller alone: it asks only when a case is due by the clock the test moves, and ends with the case.</summary>
public sealed class StatusFollowUpsTests : IAsyncDisposable
{
    private readonly HubComponents _hub = new();

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private StatusFollowUps FollowUps => _hub.Get<StatusFollowUps>();

    // A run of the poller, and the effects its steps write behind them.
    private async Task<int> RunAsync()
    {
        var asked = await FollowUps.RunAsync(CancellationToken.None);
        await _hub.Store.SettledAsync();
        return asked;
    }

    [Fact]
    public async Task RunAsync_BeforeAndAfterTheInterval_AsksOnlyOnceItIsDue()
    {
        var id = await DeliveredAsync(TimeSpan.FromMinutes(10));

        _hub.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await RunAsync());
        Assert.Equal(0, _hub.Department.QuestionsAsked);

        _hub.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await RunAsync());
        Assert.Equal(1, _hub.Department.QuestionsAsked);

        // Nothing new: the next question is a whole interval after this one.
        var next = await _hub.Get<FollowUpStore>().FindAsync(id, CancellationToken.None);
        Assert.Equal(_hub.Time.GetUtcNow() + TimeSpan.FromMinutes(10), next?.DueAt);
    }

    [Fact]
    public async Task RunAsync_DepartmentSaysRetryAfter_NextQuestionWaitsThatLong()
    {
        var id = await DeliveredAsync(TimeSpan.FromMinutes(10));
        _hub.Department.Reports(new StatusQueryResult(null, RetryAfter: TimeSpan.FromHours(1), DepartmentCode: "429"));
        _hub.Time.Advance(TimeSpan.FromMinutes(10));

        await RunAsync();

        var next = await _hub.Get<FollowUpStore>().FindAsync(id, CancellationToken.None);
        Assert.Equal(_hub.Time.GetUtcNow() + TimeSpan.FromHours(1), next?.DueAt);
        _hub.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, await RunAsync());
    }

    [Fact]
    public async Task RunAsync_FinalAnswer_AppliedAndTheCaseIsNotAskedAboutAgain()
    {
        var id = await DeliveredAsync(TimeSpan.FromMinutes(10));
        _hub.Time.Advance(TimeSpan.FromMinutes(10));
        _hub.Department.Reports(new StatusQueryResult(
            new DepartmentStatusReport("GA", id, HubComponents.CaseNumber(id), ApplicationStatus.Approved, null, _hub.Time.GetUtcNow(), "poll-1", "00")));

        await RunAsync();

        Assert.Equal(ApplicationStatus.Approved, (await _hub.ReadAsync(id)).Status);
        Assert.Null(await _hub.Get<FollowUpStore>().FindAsync(id, CancellationToken.None));
        _hub.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await RunAsync());
        Assert.Equal(1, _hub.Department.QuestionsAsked);
    }

    private Task<string> DeliveredAsync(TimeSpan interval)
    {
        _hub.Department.Interval = interval;
        return _hub.DeliveredAsync();
    }
}
