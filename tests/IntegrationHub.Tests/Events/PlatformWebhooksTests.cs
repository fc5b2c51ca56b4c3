using IntegrationHub.Contracts;
using IntegrationHub.Events;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Fixtures;
using IntegrationHub.Tests.Simulators;

namespace IntegrationHub.Tests.Events;

/// <summary>
/// The webhook sink alone: real storage, the platform's receiver in WireMock, the clock moved by the test. Every retry
/// waits on the clock, so the test sees each wait start (and its length) and moves the clock past it.
/// </summary>
public sealed class PlatformWebhooksTests : IAsyncDisposable
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    private readonly PlatformReceiver _platform = new();
    private readonly HubComponents _hub;

    public PlatformWebhooksTests() => _hub = new(settings =>
    {
        settings["Platforms:Clients:0:WebhookUrl"] = _platform.WebhookUrl.ToString();
        settings["Platforms:Clients:0:WebhookSecret"] = PlatformReceiver.Secret;
        settings["Events:Pump:RetryBaseDelay"] = "00:00:10";
        settings["Events:Pump:RetryMaxDelay"] = "00:00:30";
        settings["Events:Pump:MaxRefusals"] = "3";
    });

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        _platform.Dispose();
    }

    private PlatformWebhooks Webhooks => _hub.Get<PlatformWebhooks>();

    [Fact]
    public async Task HandOffAsync_PlatformTakesIt_OneSignedPostCarryingTheEventAndItsId()
    {
        var accepted = (await EventsAsync(await _hub.DeliveredAsync(), ApplicationStatus.Accepted))[^1];

        await Webhooks.HandOffAsync(HubComponents.Platform, [accepted], CancellationToken.None);

        var attempt = Assert.Single(_platform.Attempts());
        Assert.True(attempt.SignatureValid, "X-Hub-Signature is not HMAC-SHA256 of the body under the platform's secret");
        Assert.Equal((accepted.EventId, accepted.EventId), (attempt.EventId, attempt.Event["eventId"]!.GetValue<string>()));
        Assert.Equal(("Accepted", accepted.ApplicationId), (attempt.Event["status"]!.GetValue<string>(), attempt.Event["applicationId"]!.GetValue<string>()));
        Assert.False(_hub.Time.HasUnseenWait, "a delivery the platform took started a retry wait");
    }

    [Fact]
    public async Task HandOffAsync_PlatformFailsFourTimes_RetriedAfterDoublingWaitsOnTheClockCappedThenDeliveredOnce()
    {
        var accepted = (await EventsAsync(await _hub.DeliveredAsync(), ApplicationStatus.Accepted))[^1];
        _platform.Answers(500, 503, 500, 502);

        var delivery = Webhooks.HandOffAsync(HubComponents.Platform, [accepted], CancellationToken.None);

        foreach (var (attempts, wait) in new[] { (1, Base), (2, 2 * Base), (3, Cap), (4, Cap) })
        {
            Assert.Equal(wait, await _hub.Time.NextWaitAsync());
            Assert.Equal(attempts, _platform.Attempts().Count);

            // Not a moment before the wait is over: the timer is set, so nothing can run until the clock reaches it.
            _hub.Time.Advance(wait - TimeSpan.FromMilliseconds(1));
            Assert.Equal(attempts, _platform.Attempts().Count);
            _hub.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        await delivery.WaitAsync(Eventually.Deadline);
        Assert.Equal([500, 503, 500, 502, 204], _platform.Attempts().Select(a => a.Answer));
        Assert.All(_platform.Attempts(), a => Assert.Equal(accepted.EventId, a.EventId));
        Assert.False(_hub.Time.HasUnseenWait);
    }

    [Fact]
    public async Task HandOffAsync_PlatformKeepsRefusing_GivenUpAfterMaxRefusalsWithoutAcknowledgementButKeptInTheFeed()
    {
        var id = await _hub.DeliveredAsync();
        var approved = (await EventsAsync(id, ApplicationStatus.Accepted, ApplicationStatus.InReview, ApplicationStatus.Approved))[^1];
        _platform.Answers(400, 404, 400, 400, 400);

        var delivery = Webhooks.HandOffAsync(HubComponents.Platform, [approved], CancellationToken.None);
        _hub.Time.Advance(await _hub.Time.NextWaitAsync());
        _hub.Time.Advance(await _hub.Time.NextWaitAsync());
        await delivery.WaitAsync(Eventually.Deadline);

        Assert.Equal([400, 404, 400], _platform.Attempts().Select(a => a.Answer));
        Assert.False(_hub.Time.HasUnseenWait, "a refused event is still being retried");
        Assert.DoesNotContain(await _hub.Store.TimelineAsync(id, CancellationToken.None), e => e.Kind == "platform-notified");
        Assert.Contains(await FeedAsync(), e => e.EventId == approved.EventId);
    }

    [Fact]
    public async Task HandOffAsync_PlatformSaysTooManyRequestsBeyondMaxRefusals_NotGivenUpAndDelivered()
    {
        var accepted = (await EventsAsync(await _hub.DeliveredAsync(), ApplicationStatus.Accepted))[^1];
        _platform.Answers(429, 408, 429, 429);

        var delivery = Webhooks.HandOffAsync(HubComponents.Platform, [accepted], CancellationToken.None);
        for (var i = 0; i < 4; i++)
        {
            _hub.Time.Advance(await _hub.Time.NextWaitAsync());
        }

        await delivery.WaitAsync(Eventually.Deadline);
        Assert.Equal([429, 408, 429, 429, 204], _platform.Attempts().Select(a => a.Answer));
    }

    [Fact]
    public async Task HandOffAsync_WholePathAtOnce_EachEventSentOnceAndOnlyTheFinalStatusNotedOnTheTimeline()
    {
        var id = await _hub.DeliveredAsync();
        var events = await EventsAsync(id, ApplicationStatus.Accepted, ApplicationStatus.InReview, ApplicationStatus.Approved);

        await Webhooks.HandOffAsync(HubComponents.Platform, events, CancellationToken.None);

        Assert.Equal(events.Select(e => e.EventId).Order(), _platform.Attempts().Select(a => a.EventId).Order());
        Assert.All(_platform.Attempts(), a => Assert.True(a.SignatureValid));
        var notified = Assert.Single(await _hub.Store.TimelineAsync(id, CancellationToken.None), e => e.Kind == "platform-notified");
        Assert.Equal(ApplicationStatus.Approved, notified.Status);
        Assert.Contains(events[^1].EventId, notified.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandOffAsync_OneApplicationsEventIsRetried_ItsLaterEventsWaitForItAndOtherApplicationsDoNot()
    {
        var first = await _hub.DeliveredAsync();
        var second = await _hub.DeliveredAsync();
        var firstEvents = await EventsAsync(first, ApplicationStatus.Accepted, ApplicationStatus.InReview, ApplicationStatus.Approved);
        var secondEvents = await EventsAsync(second, ApplicationStatus.Accepted, ApplicationStatus.InReview);
        _platform.Answers(503);

        var delivery = Webhooks.HandOffAsync(HubComponents.Platform, await FeedAsync(), CancellationToken.None);

        // Whichever application's first event met the 503 waits on the clock; nothing later of it is sent meanwhile, while
        // every event of the other application reaches the platform.
        Assert.Equal(Base, await _hub.Time.NextWaitAsync());
        var refused = Assert.Single(_platform.Attempts(), a => a.Answer == 503).Event["applicationId"]!.GetValue<string>();
        var other = refused == first ? secondEvents : firstEvents;
        await Eventually.HoldsAsync(() => other.All(e => _platform.Attempts().Any(a => a.EventId == e.EventId)),
            "the other application's events to be delivered while the first is retried");
        Assert.Single(_platform.Attempts(), a => a.Event["applicationId"]!.GetValue<string>() == refused);

        _hub.Time.Advance(Base);
        await delivery.WaitAsync(Eventually.Deadline);
        foreach (var (id, events) in new[] { (first, firstEvents), (second, secondEvents) })
        {
            var taken = _platform.Attempts().Where(a => a.Answer == 204 && a.Event["applicationId"]!.GetValue<string>() == id).Select(a => a.EventId);
            Assert.Equal(events.Select(e => e.EventId), taken);
        }
    }

    // Moves the application along the statuses (as a department report would) and answers all its events in the feed.
    private async Task<IReadOnlyList<EventEntity>> EventsAsync(string id, params ApplicationStatus[] path)
    {
        foreach (var status in path)
        {
            await _hub.MoveAsync(id, status);
        }

        return [.. (await FeedAsync()).Where(e => e.ApplicationId == id)];
    }

    private Task<IReadOnlyList<EventEntity>> FeedAsync() => _hub.Get<EventFeed>().ReadAfterAsync(HubComponents.Platform, 0, 100, CancellationToken.None);
}
