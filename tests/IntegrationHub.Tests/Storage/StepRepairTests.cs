using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using IntegrationHub.Applications;
using IntegrationHub.Contracts;
using IntegrationHub.Handoff;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Storage;

/// <summary>
/// A step that dies half way (the process crashes; here a storage request fails at the chosen moment) leaves its intent in
/// the work partition, and the sweep finishes it from that row alone: the events reach the feed and the counters move
/// exactly once when the transaction had committed; nothing changes when it had not.
/// </summary>
public sealed class StepRepairTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly Crash _crash = new();
    private Azurite _azurite = null!;
    private StoreGraph _graph = null!;
    private StrandedSweep _sweep = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        var options = new TableClientOptions();
        options.AddPolicy(_crash, HttpPipelinePosition.PerCall);
        _graph = new StoreGraph(new TableServiceClient(_azurite.ConnectionString, options), "repair", _time);
        var queue = new HandoffQueue(new QueueServiceClient(_azurite.ConnectionString), Options.Create(new StorageOptions { TablePrefix = "repair" }));
        _sweep = new StrandedSweep(_graph.Work, _graph.Store, queue, Options.Create(new HandoffOptions()), _time, NullLogger<StrandedSweep>.Instance);
    }

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task Step_CrashAfterItsTransactionBeforeItsEffects_SweepPublishesTheEventAndMovesTheCountersOnce()
    {
        var id = await DeliveredAsync();
        var awaiting = await AwaitingCountAsync();

        _crash.Arm(request => request.Uri.Path.EndsWith("/repairevents", StringComparison.Ordinal) || Body(request).Contains("/repairevents", StringComparison.Ordinal));
        await Assert.ThrowsAnyAsync<Exception>(() => MoveAsync(id, ApplicationStatus.Accepted));

        // Committed: the status is on the application, but no platform has heard of it and the counters have not moved.
        Assert.Equal(ApplicationStatus.Accepted, (await _graph.Store.ReadAsync(id, CancellationToken.None))!.Status);
        Assert.Equal(["Delivered"], await FeedStatusesAsync(id));
        Assert.Equal(awaiting, await AwaitingCountAsync());

        await SweepFinishesAcceptedOnceAsync(id, awaiting);
    }

    [Fact]
    public async Task Step_CrashBeforeItsTransaction_SweepDropsTheIntentAndChangesNothing()
    {
        var id = await DeliveredAsync();
        var awaiting = await AwaitingCountAsync();

        _crash.Arm(request => Body(request).Contains("/repairapplications", StringComparison.Ordinal));
        await Assert.ThrowsAnyAsync<Exception>(() => MoveAsync(id, ApplicationStatus.Accepted));

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await _sweep.RunAsync(CancellationToken.None));

        Assert.Equal(ApplicationStatus.Delivered, (await _graph.Store.ReadAsync(id, CancellationToken.None))!.Status);
        Assert.Equal(["Delivered"], await FeedStatusesAsync(id));
        Assert.Equal(awaiting, await AwaitingCountAsync());
        Assert.Equal(0, await _sweep.RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task StepWrittenBehind_CrashBeforeItsEffects_CallerHasItsAnswerAndTheSweepFinishesIt()
    {
        var id = await DeliveredAsync();
        var awaiting = await AwaitingCountAsync();

        _crash.Arm(request => request.Uri.Path.EndsWith("/repairevents", StringComparison.Ordinal) || Body(request).Contains("/repairevents", StringComparison.Ordinal));
        Assert.Equal(StepOutcome.Committed, (await MoveAsync(id, ApplicationStatus.Accepted, writeBehind: true)).Outcome);
        await _graph.Store.SettledAsync(id);

        // The caller was answered once the transaction committed; the effects failed behind it and wait for the sweep.
        Assert.Equal(["Delivered"], await FeedStatusesAsync(id));
        Assert.Equal(awaiting, await AwaitingCountAsync());

        await SweepFinishesAcceptedOnceAsync(id, awaiting);
    }

    [Fact]
    public async Task StepsWrittenBehind_OneAfterAnother_TheirEffectsLandInStepOrderAndLeaveNoIntent()
    {
        var id = await DeliveredAsync();
        var awaiting = await AwaitingCountAsync();

        await MoveAsync(id, ApplicationStatus.Accepted, writeBehind: true);
        await MoveAsync(id, ApplicationStatus.InReview, writeBehind: true);
        await MoveAsync(id, ApplicationStatus.Approved, writeBehind: true);
        await _graph.Store.SettledAsync(id);

        Assert.Equal(["Delivered", "Accepted", "InReview", "Approved"], await FeedStatusesAsync(id));
        Assert.Equal(awaiting - 1, await AwaitingCountAsync());
        Assert.DoesNotContain(await _graph.Work.AwaitingAsync(null, _time.GetUtcNow(), 100, CancellationToken.None), m => m.ApplicationId == id);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await _sweep.RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Step_CallerGivesUpWhileItIsWritten_TheStepAndItsEffectsFinishWithoutTheSweep()
    {
        var id = await DeliveredAsync();
        var awaiting = await AwaitingCountAsync();
        using var caller = new CancellationTokenSource();

        // The caller goes away (a department's callback timing out) once the step has decided, before anything is written.
        var result = await _graph.Store.StepAsync(id, a =>
        {
            caller.Cancel();
            return new StepPlan { Entries = [.. StatusChanges.Move(a, ApplicationStatus.Accepted, null, "test", _time)] };
        }, caller.Token);

        Assert.Equal(StepOutcome.Committed, result.Outcome);
        Assert.Equal(["Delivered", "Accepted"], await FeedStatusesAsync(id));
        Assert.Equal(awaiting - 1, await AwaitingCountAsync());
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await _sweep.RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Intake_CallerGivesUpAsItsClaimIsSent_TheApplicationIsStoredAllTheSame()
    {
        using var caller = new CancellationTokenSource();
        _crash.Arm(request => request.Uri.Path.EndsWith("/repairwork", StringComparison.Ordinal) || Body(request).Contains("/repairwork", StringComparison.Ordinal),
            then: caller.Cancel);

        var id = await _graph.SubmitAsync("p", caller.Token);

        Assert.True(caller.IsCancellationRequested);
        Assert.Equal(ApplicationStatus.Submitted, (await _graph.Store.ReadAsync(id, CancellationToken.None))!.Status);
    }

    // The sweep finds the committed step's intent, publishes its event and moves the counters once; once finished, the
    // intent is gone, and another sweep changes nothing.
    private async Task SweepFinishesAcceptedOnceAsync(string id, long awaiting)
    {
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await _sweep.RunAsync(CancellationToken.None));
        Assert.Equal(["Delivered", "Accepted"], await FeedStatusesAsync(id));
        Assert.Equal(awaiting - 1, await AwaitingCountAsync());
        Assert.DoesNotContain(await _graph.Work.AwaitingAsync(null, _time.GetUtcNow(), 100, CancellationToken.None), m => m.ApplicationId == id);

        Assert.Equal(0, await _sweep.RunAsync(CancellationToken.None));
        Assert.Equal(["Delivered", "Accepted"], await FeedStatusesAsync(id));
        Assert.Equal(awaiting - 1, await AwaitingCountAsync());
    }

    private async Task<string> DeliveredAsync()
    {
        var id = await _graph.SubmitAsync("p");
        var delivered = await _graph.Store.StepAsync(id, a =>
        {
            a.Handoff = HandoffState.Delivered;
            a.CaseNumber = "GA" + id[..8];
            return new StepPlan { Entries = [.. StatusChanges.Move(a, ApplicationStatus.Delivered, null, "test", _time)] };
        }, CancellationToken.None);
        Assert.Equal(StepOutcome.Committed, delivered.Outcome);
        return id;
    }

    private Task<StepResult> MoveAsync(string id, ApplicationStatus to, bool writeBehind = false) =>
        _graph.Store.StepAsync(id, a => new StepPlan { Entries = [.. StatusChanges.Move(a, to, null, "test", _time)] }, CancellationToken.None, writeBehind: writeBehind);

    private async Task<List<string>> FeedStatusesAsync(string id) =>
        [.. (await _graph.Feed.ReadAsync("p", "", 1000, CancellationToken.None)).Where(e => e.ApplicationId == id).Select(e => e.Status)];

    private async Task<long> AwaitingCountAsync() =>
        (await _graph.Work.CountersAsync(Start.AddDays(-1), CancellationToken.None))
            .Where(r => r.RowKey == "c-n-GA").Sum(r => r.GetInt64("Awaiting") ?? 0);

    private static string Body(Request request)
    {
        if (request.Content is null)
        {
            return "";
        }

        using var buffer = new MemoryStream();
        request.Content.WriteTo(buffer, CancellationToken.None);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Fails the next request that matches, as a process that died before sending it; or, given <c>then</c>, does that and sends it.</summary>
    private sealed class Crash : HttpPipelineSynchronousPolicy
    {
        private Func<Request, bool>? _armed;
        private Action? _then;

        public void Arm(Func<Request, bool> when, Action? then = null) => (_armed, _then) = (when, then);

        public override void OnSendingRequest(HttpMessage message)
        {
            if (_armed is { } when && when(message.Request))
            {
                _armed = null;
                (_then ?? (() => throw new IOException("the process died here")))();
            }
        }
    }
}
