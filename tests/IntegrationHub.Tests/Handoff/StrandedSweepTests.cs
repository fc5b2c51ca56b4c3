using Azure.Data.Tables;
using Azure.Storage.Queues;
using IntegrationHub.Handoff;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Handoff;

/// <summary>
/// The sweep re-sends a hand-off whose message was lost, but not the hand-offs of a backlog whose messages are only late:
/// re-sending those doubled the queue on every sweep after a restart over a long queue (the bench's drain).
/// </summary>
public sealed class StrandedSweepTests : IAsyncLifetime
{
    // The queue's insertion times come from Azurite's clock: the fake clock starts at the real time.
    private readonly FakeTimeProvider _time = new(TimeProvider.System.GetUtcNow());
    private Azurite _azurite = null!;
    private StoreGraph _graph = null!;
    private HandoffQueue _queue = null!;
    private StrandedSweep _sweep = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _graph = new StoreGraph(new TableServiceClient(_azurite.ConnectionString), "sweep", _time);
        _queue = new HandoffQueue(new QueueServiceClient(_azurite.ConnectionString), Options.Create(new StorageOptions { TablePrefix = "sweep" }));
        _sweep = new StrandedSweep(_graph.Work, _graph.Store, _queue, Options.Create(new HandoffOptions()), _time, NullLogger<StrandedSweep>.Instance);
    }

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task Sweep_BacklogOlderThanStrandedAfterStillQueued_ResendsNothing()
    {
        // As intake leaves them: pending rows and their messages, then a dispatcher that has not reached them for 5 minutes.
        for (var i = 0; i < 3; i++)
        {
            var id = await _graph.SubmitAsync("p");
            await _queue.SendAsync(new HandoffMessage(id), TimeSpan.Zero, CancellationToken.None);
        }

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(0, await _sweep.RunAsync(CancellationToken.None));
        Assert.Equal(3, await QueuedAsync());
        Assert.Equal(3, (await _graph.Work.PendingAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Sweep_HandoffWhoseMessageWasLost_ResendsIt()
    {
        // Stored, but the process died before sending the message: the queue is empty.
        var id = await _graph.SubmitAsync("p");
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(1, await _sweep.RunAsync(CancellationToken.None));

        var queue = await _queue.Queue();
        var sent = Assert.Single((await queue.PeekMessagesAsync(32)).Value);
        Assert.Equal(id, HandoffQueue.Parse(sent.Body.ToString()).ApplicationId);
    }

    private async Task<int> QueuedAsync() => (await (await _queue.Queue()).PeekMessagesAsync(32)).Value.Length;
}
