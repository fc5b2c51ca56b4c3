using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Handoff;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Handoff;

/// <summary>The dispatcher alone: real storage, a scripted department, the clock moved by the test.</summary>
public sealed class HandoffDispatcherTests : IAsyncDisposable
{
    private readonly HubComponents _hub = new();

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private HandoffDispatcher Dispatcher => _hub.Get<HandoffDispatcher>();

    // The dispatcher's step, and the effects it writes behind it (the pending row, the follow-up, the counters).
    private async Task HandOffAsync(string id)
    {
        await Dispatcher.HandleAsync(HubComponents.Message(id), CancellationToken.None);
        await _hub.Store.SettledAsync();
    }

    [Fact]
    public async Task HandleAsync_DepartmentReceives_DeliveredNowAndAskedAboutOneIntervalLater()
    {
        var id = await _hub.SubmitAsync();
        _hub.Time.Advance(TimeSpan.FromMinutes(3));
        _hub.Department.Interval = TimeSpan.FromMinutes(7);
        _hub.Department.Answers(new HandoffOutcome(HandoffOutcomeKind.Received, CaseNumber: "GA-CASE-1"));

        await HandOffAsync(id);

        var application = await _hub.ReadAsync(id);
        Assert.Equal((ApplicationStatus.Delivered, HandoffState.Delivered, "GA-CASE-1"), (application.Status, application.Handoff, application.CaseNumber));
        Assert.Equal(_hub.Time.GetUtcNow(), application.DeliveredAt);
        var followUp = await _hub.Get<FollowUpStore>().FindAsync(id, CancellationToken.None);
        Assert.Equal(_hub.Time.GetUtcNow() + TimeSpan.FromMinutes(7), followUp?.DueAt);
        Assert.Null(await _hub.PendingAsync(id));
    }

    [Fact]
    public async Task HandleAsync_TransientUntilTheBudgetIsUsed_RetryingWithBackoffThenFailedAtTheClocksTime()
    {
        var id = await _hub.SubmitAsync();
        var transient = new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentCode: "timeout");
        _hub.Department.Answers(transient, transient, transient);

        // Attempt n waits a full-jitter backoff in the upper half of 10 s × 2^(n-1) (Handoff:RetryBaseDelay = 10 s).
        foreach (var (attempt, ceiling) in new[] { (1, TimeSpan.FromSeconds(10)), (2, TimeSpan.FromSeconds(20)) })
        {
            await HandOffAsync(id);

            var now = _hub.Time.GetUtcNow();
            Assert.Equal((HandoffState.Retrying, attempt), ((await _hub.ReadAsync(id)).Handoff, (await _hub.ReadAsync(id)).FailedAttempts));
            var visibleAt = (await _hub.PendingAsync(id))!.VisibleAt;
            Assert.InRange(visibleAt, now + ceiling / 2, now + ceiling);
            _hub.Time.SetUtcNow(visibleAt);
        }

        _hub.Time.Advance(TimeSpan.FromSeconds(1));
        await HandOffAsync(id);

        var failed = await _hub.ReadAsync(id);
        Assert.Equal((HandoffState.Failed, 3, _hub.Time.GetUtcNow()), (failed.Handoff, failed.FailedAttempts, failed.LastFailedAt));
        Assert.Equal(ApplicationStatus.Submitted, failed.Status);
        Assert.Null(await _hub.PendingAsync(id));
        Assert.Equal(3, _hub.Department.HandoffsReceived);
    }

    [Fact]
    public async Task HandleAsync_DepartmentAsksToWait_NextTryNotBeforeItsRetryAfterRoundedUp()
    {
        var id = await _hub.SubmitAsync();
        _hub.Department.Answers(new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentCode: "429", RetryAfter: TimeSpan.FromSeconds(90.2)));

        await HandOffAsync(id);

        Assert.Equal(HandoffState.Retrying, (await _hub.ReadAsync(id)).Handoff);
        Assert.Equal(_hub.Time.GetUtcNow() + TimeSpan.FromSeconds(91), (await _hub.PendingAsync(id))!.VisibleAt);
    }

    [Fact]
    public async Task HandleAsync_DepartmentInMaintenance_HeldNotFailedAndNoAttemptCounted()
    {
        var id = await _hub.SubmitAsync();
        _hub.Department.Answers(new HandoffOutcome(HandoffOutcomeKind.Held, RetryAfter: TimeSpan.FromMinutes(30)));

        await HandOffAsync(id);

        var held = await _hub.ReadAsync(id);
        Assert.Equal((HandoffState.Held, 0), (held.Handoff, held.FailedAttempts));
        Assert.Equal(_hub.Time.GetUtcNow() + TimeSpan.FromMinutes(30), (await _hub.PendingAsync(id))!.VisibleAt);
    }

    [Fact]
    public async Task HandlePoisonAsync_WaitingHandoff_FailedVisiblyAtTheClocksTime()
    {
        var id = await _hub.SubmitAsync();
        _hub.Time.Advance(TimeSpan.FromHours(1));

        await Dispatcher.HandlePoisonAsync(HubComponents.Message(id), CancellationToken.None);

        var failed = await _hub.ReadAsync(id);
        Assert.Equal((HandoffState.Failed, _hub.Time.GetUtcNow()), (failed.Handoff, failed.LastFailedAt));
        Assert.Contains(await _hub.Store.TimelineAsync(id, CancellationToken.None), e => e.Kind == "handoff-failed" && e.Outcome == "Poison");
        Assert.Equal(0, _hub.Department.HandoffsReceived);
    }

    [Fact]
    public async Task HandleAsync_DeliveredAlready_DepartmentNotAskedAgain()
    {
        var id = await _hub.SubmitAsync();
        _hub.Department.Answers(new HandoffOutcome(HandoffOutcomeKind.Received, CaseNumber: "GA-CASE-2"));
        await HandOffAsync(id);

        await HandOffAsync(id);

        Assert.Equal(1, _hub.Department.HandoffsReceived);
        Assert.Equal(HandoffState.Delivered, (await _hub.ReadAsync(id)).Handoff);
    }

    [Fact]
    public async Task HandleAsync_UnknownApplication_DroppedWithoutAskingTheDepartment()
    {
        await HandOffAsync(Guid.NewGuid().ToString("N"));

        Assert.Equal(0, _hub.Department.HandoffsReceived);
    }
}
