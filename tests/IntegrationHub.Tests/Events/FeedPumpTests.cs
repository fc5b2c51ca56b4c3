using IntegrationHub.Contracts;
using IntegrationHub.Events;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Fixtures;
using IntegrationHub.Tests.Simulators;
using Microsoft.Extensions.Logging.Abstractions;

namespace IntegrationHub.Tests.Events;

/// <summary>
/// The feed pump alone, from the status steps' outbox (the feed rows a step commits) to the platform's webhook in
/// WireMock: real storage, the clock moved by the test, each pass made by the test (the run loop only waits for a signal
/// or the catch-up tick, and one test runs it for the tick).
/// </summary>
public sealed class FeedPumpTests : IAsyncDisposable
{
    private static readonly ApplicationStatus[] Path = [ApplicationStatus.Accepted, ApplicationStatus.InReview, ApplicationStatus.Approved];

    private readonly PlatformReceiver _platform = new();
    private readonly HubComponents _hub;
    private readonly List<FeedPump> _pumps = [];

    public FeedPumpTests() => _hub = new(settings =>
    {
        settings["Platforms:Clients:0:WebhookUrl"] = _platform.WebhookUrl.ToString();
        settings["Platforms:Clients:0:WebhookSecret"] = PlatformReceiver.Secret;
    });

    private static FeedPumpOptions Options => new()
    {
        Window = 1, // one event at a time, so the platform's arrival order is the order the pump hands them over
        PersistInterval = TimeSpan.FromSeconds(2),
        LeaseDuration = TimeSpan.FromSeconds(30),
        CatchUpInterval = TimeSpan.FromSeconds(5),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var pump in _pumps)
        {
            pump.Dispose();
        }

        await _hub.DisposeAsync();
        _platform.Dispose();
    }

    [Fact]
    public async Task PassAsync_TwoApplicationsCommittedHereInterleaved_EveryEventOnceInFeedOrderAndEachApplicationInItsOrder()
    {
        var pump = Pump(offeredCommits: true);
        var (one, two) = (await _hub.DeliveredAsync(), await _hub.DeliveredAsync());
        foreach (var status in Path)
        {
            await MoveAsync(one, status);
            await MoveAsync(two, status);
        }

        await pump.PassAsync(ticked: false, CancellationToken.None);

        var feed = await FeedAsync();
        Assert.Equal(feed.Select(e => e.EventId), _platform.Attempts().Select(a => a.EventId));
        foreach (var id in new[] { one, two })
        {
            var statuses = _platform.Attempts().Where(a => a.Event["applicationId"]!.GetValue<string>() == id).Select(a => a.Event["status"]!.GetValue<string>());
            Assert.Equal(["Delivered", .. Path.Select(s => s.ToString())], statuses.TakeLast(Path.Length + 1));
        }

        // Offered again, and the feed read again on a tick: nothing is sent twice.
        pump.Offer(feed);
        await pump.PassAsync(ticked: true, CancellationToken.None);
        Assert.Equal(feed.Count, _platform.Attempts().Count);
    }

    [Fact]
    public async Task PassAsync_LaterEventOfferedWhileEarlierOnesAreNot_NothingSkippedTheGapIsReadFromTheFeedFirst()
    {
        var pump = Pump(offeredCommits: false);
        var id = await _hub.DeliveredAsync();
        await pump.PassAsync(ticked: false, CancellationToken.None); // takes the pump and delivers what the feed has
        var before = _platform.Attempts().Count;

        // Another instance commits the whole path; this one hears of the last event only.
        foreach (var status in Path)
        {
            await MoveAsync(id, status);
        }

        var path = (await FeedAsync()).TakeLast(Path.Length).ToList();
        pump.Offer([path[^1]]);
        await pump.PassAsync(ticked: false, CancellationToken.None);

        Assert.Equal(path.Select(e => e.EventId), _platform.Attempts().Skip(before).Select(a => a.EventId));
    }

    [Fact]
    public async Task PassAsync_NotOfferedAndNoTick_NothingReadUntilTheTick()
    {
        var pump = Pump(offeredCommits: false);
        var id = await _hub.DeliveredAsync();
        await pump.PassAsync(ticked: false, CancellationToken.None);
        var before = _platform.Attempts().Count;
        await MoveAsync(id, ApplicationStatus.Accepted);

        await pump.PassAsync(ticked: false, CancellationToken.None);
        Assert.Equal(before, _platform.Attempts().Count);

        await pump.PassAsync(ticked: true, CancellationToken.None);
        Assert.Equal((await FeedAsync())[^1].EventId, Assert.Single(_platform.Attempts().Skip(before)).EventId);
    }

    [Fact]
    public async Task PassAsync_HolderStopsWithoutWritingItsCursor_NextHolderWaitsForTheLeaseThenResendsOnlyWhatWasNotWrittenDown()
    {
        var first = Pump(offeredCommits: true);
        var id = await _hub.DeliveredAsync();
        await first.PassAsync(ticked: false, CancellationToken.None);
        _hub.Time.Advance(Options.PersistInterval);
        await MoveAsync(id, ApplicationStatus.Accepted);
        await first.PassAsync(ticked: false, CancellationToken.None); // delivered, and the cursor written through it
        var written = (await FeedAsync()).Select(e => e.EventId).ToList();

        await MoveAsync(id, ApplicationStatus.InReview);
        await MoveAsync(id, ApplicationStatus.Approved);
        await first.PassAsync(ticked: false, CancellationToken.None); // delivered within the persist interval: not written down
        var unwritten = (await FeedAsync()).Select(e => e.EventId).Except(written).ToList();
        Assert.Equal(2, unwritten.Count);
        var sent = _platform.Attempts().Count;

        // The first holder is gone without a word. The second leaves the pump alone while the lease lasts.
        var second = Pump(offeredCommits: false);
        _hub.Time.Advance(Options.LeaseDuration - TimeSpan.FromSeconds(1));
        await second.PassAsync(ticked: true, CancellationToken.None);
        Assert.Equal(sent, _platform.Attempts().Count);

        _hub.Time.Advance(TimeSpan.FromSeconds(1));
        await second.PassAsync(ticked: true, CancellationToken.None);
        Assert.Equal(unwritten, _platform.Attempts().Skip(sent).Select(a => a.EventId));
    }

    [Fact]
    public async Task StopAsync_HolderStopsCleanly_NextHolderResendsNothing()
    {
        var first = Pump(offeredCommits: true);
        var id = await _hub.DeliveredAsync();
        foreach (var status in Path)
        {
            await MoveAsync(id, status);
        }

        await first.PassAsync(ticked: false, CancellationToken.None);
        await first.StopAsync(CancellationToken.None);
        var sent = _platform.Attempts().Count;

        var second = Pump(offeredCommits: false);
        _hub.Time.Advance(Options.LeaseDuration);
        await second.PassAsync(ticked: true, CancellationToken.None);

        Assert.Equal(sent, _platform.Attempts().Count);
        Assert.Equal((await FeedAsync()).Count, sent);
    }

    [Fact]
    public async Task RunAsync_EventsCommittedElsewhere_DeliveredWhenTheClockReachesTheCatchUpTick()
    {
        var pump = Pump(offeredCommits: false);
        var id = await _hub.DeliveredAsync();
        await MoveAsync(id, ApplicationStatus.Accepted);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => pump.RunAsync(stop.Token));

        try
        {
            Assert.Equal(Options.CatchUpInterval, await _hub.Time.NextWaitAsync());
            Assert.Empty(_platform.Attempts());
            _hub.Time.Advance(Options.CatchUpInterval);

            // The tick's pass ends where the next wait starts.
            Assert.Equal(Options.CatchUpInterval, await _hub.Time.NextWaitAsync());
            Assert.Equal((await FeedAsync()).Select(e => e.EventId), _platform.Attempts().Select(a => a.EventId));
        }
        finally
        {
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        }
    }

    private FeedPump Pump(bool offeredCommits)
    {
        var pump = new FeedPump(_hub.Get<PlatformWebhooks>(), HubComponents.Platform, _hub.Get<EventFeed>(), _hub.Get<WorkIndex>(), Options, _hub.Time,
            NullLogger.Instance);
        _pumps.Add(pump);
        if (offeredCommits)
        {
            // As in the host: what this instance commits is offered to its pumps as it commits.
            _hub.Get<FeedNotifications>().Committed += (_, events) => pump.Offer(events);
        }

        return pump;
    }

    private Task MoveAsync(string id, ApplicationStatus status) => _hub.MoveAsync(id, status);

    private Task<IReadOnlyList<EventEntity>> FeedAsync() => _hub.Get<EventFeed>().ReadAfterAsync(HubComponents.Platform, 0, 100, CancellationToken.None);
}
