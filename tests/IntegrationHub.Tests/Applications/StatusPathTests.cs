using IntegrationHub.Applications;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Applications;

/// <summary>The one status path alone (<see cref="StatusPath.ApplyAsync"/> → ApplicationStore.StepAsync): real storage, the clock moved by the test.</summary>
public sealed class StatusPathTests : IAsyncDisposable
{
    private readonly HubComponents _hub = new();

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private StatusPath Path => _hub.Get<StatusPath>();

    [Fact]
    public async Task ApplyAsync_FinalReport_AppliedAndTheRetentionClockStartsAtTheClocksTime()
    {
        var id = await _hub.DeliveredAsync();
        _hub.Time.Advance(TimeSpan.FromDays(2));

        var outcome = await Path.ApplyAsync(Report(id, ApplicationStatus.Approved, "e1", _hub.Time.GetUtcNow()), CancellationToken.None);

        Assert.Equal(ReportOutcome.Applied, outcome);
        var application = await _hub.ReadAsync(id);
        Assert.Equal((ApplicationStatus.Approved, _hub.Time.GetUtcNow()), (application.Status, application.ClosedAt));
        var entry = Assert.Single(await _hub.Store.TimelineAsync(id, CancellationToken.None), e => e.Kind == "status" && e.Status == ApplicationStatus.Approved);
        Assert.Equal((ApplicationStatus.Delivered, _hub.Time.GetUtcNow()), (entry.PreviousStatus, entry.At));
    }

    [Fact]
    public async Task ApplyAsync_SameEventTwice_SecondIsADuplicateAndWritesNothing()
    {
        var id = await _hub.DeliveredAsync();
        var report = Report(id, ApplicationStatus.Accepted, "e1", _hub.Time.GetUtcNow());
        await Path.ApplyAsync(report, CancellationToken.None);
        var entries = (await _hub.Store.TimelineAsync(id, CancellationToken.None)).Count;

        var again = await Path.ApplyAsync(report, CancellationToken.None);

        Assert.Equal(ReportOutcome.Duplicate, again);
        Assert.Equal(entries, (await _hub.Store.TimelineAsync(id, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task ApplyAsync_ReportOlderThanTheLastApplied_StaleKeptOnTheTimelineAndTheStatusStands()
    {
        var id = await _hub.DeliveredAsync();
        var earlier = _hub.Time.GetUtcNow();
        _hub.Time.Advance(TimeSpan.FromHours(1));
        await Path.ApplyAsync(Report(id, ApplicationStatus.InReview, "e2", _hub.Time.GetUtcNow()), CancellationToken.None);

        var outcome = await Path.ApplyAsync(Report(id, ApplicationStatus.Accepted, "e1", earlier), CancellationToken.None);

        Assert.Equal(ReportOutcome.Stale, outcome);
        Assert.Equal(ApplicationStatus.InReview, (await _hub.ReadAsync(id)).Status);
        Assert.Contains(await _hub.Store.TimelineAsync(id, CancellationToken.None), e => e.Kind == "status-ignored" && e.Status == ApplicationStatus.InReview);
    }

    [Fact]
    public async Task ApplyAsync_ReportFromAnotherDepartment_UnknownApplicationAndNothingChanges()
    {
        var id = await _hub.DeliveredAsync();

        var outcome = await Path.ApplyAsync(Report(id, ApplicationStatus.Approved, "e1", _hub.Time.GetUtcNow()) with { Department = "RS" }, CancellationToken.None);

        Assert.Equal(ReportOutcome.UnknownApplication, outcome);
        Assert.Equal(ApplicationStatus.Delivered, (await _hub.ReadAsync(id)).Status);
    }

    [Fact]
    public async Task ApplyAsync_ByCaseNumberOnly_FindsTheApplication()
    {
        var id = await _hub.DeliveredAsync();

        var outcome = await Path.ApplyAsync(Report(id, ApplicationStatus.Accepted, "e1", _hub.Time.GetUtcNow()) with { HandoffKey = null }, CancellationToken.None);

        Assert.Equal(ReportOutcome.Applied, outcome);
        Assert.Equal(ApplicationStatus.Accepted, (await _hub.ReadAsync(id)).Status);
    }

    private static DepartmentStatusReport Report(string id, ApplicationStatus status, string eventKey, DateTimeOffset at) =>
        new("GA", id, HubComponents.CaseNumber(id), status, Reason: null, at, eventKey, DepartmentCode: "00");
}
