using System.ComponentModel.DataAnnotations;
using IntegrationHub.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Events;

/// <summary>Where a feed pump delivers events: the platform's webhook, the Service Bus topic.</summary>
internal interface IFeedSink
{
    /// <summary>The sink's name in its cursor's key.</summary>
    string Name { get; }

    /// <summary>The platforms this sink serves.</summary>
    IEnumerable<string> Platforms { get; }

    /// <summary>Delivers every event, retrying until each is taken (or refused for good); returns when done or cancelled.</summary>
    Task HandOffAsync(string platform, IReadOnlyList<EventEntity> events, CancellationToken cancellationToken);
}

/// <summary>How the feed pumps deliver and keep their place.</summary>
internal sealed class FeedPumpOptions
{
    public const string Section = "Events:Pump";

    /// <summary>Events delivered at once (concurrently) before the cursor moves past them.</summary>
    [Range(1, 1000)]
    public int Window { get; set; } = 32;

    /// <summary>First retry of a webhook the platform did not take; doubles per attempt up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Refusals (4xx other than 408 and 429) of one event before it is given up (it stays in the pull feed).</summary>
    [Range(1, 100)]
    public int MaxRefusals { get; set; } = 8;

    /// <summary>How often a cursor that moved is written down; a restart re-sends at most what was delivered since.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PersistInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one instance holds a pump; it renews at half that. Another instance takes over once it lapses.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the pump reads the feed for events this instance did not commit (other instances, before a restart).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>When the pumps are woken to catch up (the <c>DeliverPlatformEvents</c> timer, both hosts): keeps an idle instance looking.</summary>
    [Composition.CronSchedule]
    public string NudgeSchedule { get; set; } = "*/30 * * * * *";
}

/// <summary>
/// Delivers one platform's feed to one sink at least once, in position order, without a queue message per event: events
/// committed in this instance are handed over in memory (<see cref="FeedNotifications"/>), anything else (another
/// instance's, or from before a restart) is read from the feed, which the gap-free positions make possible to notice.
/// The cursor (delivered through) is written lazily, at most every <see cref="FeedPumpOptions.PersistInterval"/>.
/// </summary>
/// <remarks>
/// Several instances: one holds the pump by a lease kept in the cursor row (written under its ETag); the others leave it
/// alone and take over once it lapses, from the cursor written last, so after a crash or hand-over events delivered since
/// are sent again (same event ids). The instance holding the lease reads other instances' events from the feed every
/// <see cref="FeedPumpOptions.CatchUpInterval"/>, so they reach the platform that much later.
/// </remarks>
internal sealed class FeedPump(
    IFeedSink sink, string platform, EventFeed feed, WorkIndex work, FeedPumpOptions options, TimeProvider time, ILogger logger) : IDisposable
{
    private const int MaxBuffered = 10_000;

    private readonly string _owner = Guid.NewGuid().ToString("N");
    private readonly SortedDictionary<long, EventEntity> _buffer = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Lock _gate = new();
    private CursorEntity? _cursor;
    private long _through = -1;
    private bool _dirty;
    private bool _catchUp = true;
    private DateTimeOffset _persisted;

    public void Offer(IReadOnlyList<EventEntity> events)
    {
        lock (_gate)
        {
            foreach (var e in events)
            {
                var position = EventFeed.PositionOf(e);
                if (position > _through && _buffer.Count < MaxBuffered)
                {
                    _buffer[position] = e;
                }
                else if (position > _through)
                {
                    _catchUp = true; // too many waiting: read it from the feed when its turn comes
                }
            }
        }

        Nudge();
    }

    public void Nudge()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var ticked = !await WaitForSignalAsync(stoppingToken);
            await PassAsync(ticked, stoppingToken);
        }
    }

    /// <summary>
    /// One pass: hold the lease, deliver what is here (and, on a tick or after taking over, what the feed has), note the
    /// cursor. The run loop makes one per signal or tick; tests make them one at a time.
    /// </summary>
    internal async Task PassAsync(bool ticked, CancellationToken cancellationToken)
    {
        try
        {
            if (!await HoldAsync(cancellationToken))
            {
                return;
            }

            await DrainAsync(ticked, cancellationToken);
            await PersistAsync(force: false, cancellationToken);
        }
        catch (Azure.RequestFailedException ex)
        {
            EventsLog.PumpUnreachable(logger, sink.Name, platform, ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => PersistAsync(force: true, cancellationToken);

    // True when offered or nudged, false when the catch-up interval passed first; the interval runs on the injected
    // clock (not SemaphoreSlim's own timeout), so a test moves the clock to make the pump catch up.
    private async Task<bool> WaitForSignalAsync(CancellationToken stoppingToken)
    {
        using var tick = new CancellationTokenSource(options.CatchUpInterval, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(tick.Token, stoppingToken);
        try
        {
            await _signal.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _signal.Dispose();

    private async Task DrainAsync(bool ticked, CancellationToken cancellationToken)
    {
        var read = ticked || _catchUp;
        _catchUp = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = Contiguous();
            if (batch.Count == 0 && (read || Gap()))
            {
                // Events this instance did not commit: read them, once per pass, and on while a read fills the window
                // (more may be waiting: a new holder catches up in one pass, not one window per catch-up tick).
                using var calls = StorageCalls.Begin("webhook");
                var found = await feed.ReadAfterAsync(platform, _through, options.Window, cancellationToken);
                read = found.Count == options.Window;
                if (found.Count == 0)
                {
                    calls.MarkIdle();
                }

                Offer(found);
                batch = Contiguous();
            }

            if (batch.Count == 0)
            {
                return;
            }

            await sink.HandOffAsync(platform, batch, cancellationToken);
            lock (_gate)
            {
                _through = EventFeed.PositionOf(batch[^1]);
                foreach (var e in batch)
                {
                    _buffer.Remove(EventFeed.PositionOf(e));
                }
            }

            _dirty = true;
            await PersistAsync(force: false, cancellationToken);
        }
    }

    // The events from the next position on, without a hole, up to a window.
    private List<EventEntity> Contiguous()
    {
        lock (_gate)
        {
            var batch = new List<EventEntity>();
            for (var next = _through + 1; batch.Count < options.Window && _buffer.TryGetValue(next, out var e); next++)
            {
                batch.Add(e);
            }

            return batch;
        }
    }

    // A later event is here and the next is not: someone else committed it.
    private bool Gap()
    {
        lock (_gate)
        {
            return _buffer.Count > 0 && !_buffer.ContainsKey(_through + 1);
        }
    }

    private async Task<bool> HoldAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cursor is { } held && held.Owner == _owner && held.LeaseUntil - now > options.LeaseDuration / 2)
        {
            return true;
        }

        using var calls = StorageCalls.Begin("webhook");
        var row = await work.CursorAsync(sink.Name, platform, cancellationToken);
        if (row is not null && row.Owner != _owner && row.LeaseUntil > now)
        {
            // Another instance holds it: nothing of ours to deliver; its pump reads what we commit from the feed.
            calls.MarkIdle();
            Release();
            return false;
        }

        var taking = row?.Owner != _owner || _through < 0;
        var through = taking ? row?.DeliveredThrough ?? 0 : _through;
        var written = await work.TryWriteCursorAsync(sink.Name, platform, new CursorEntity
        {
            DeliveredThrough = through,
            Owner = _owner,
            LeaseUntil = now + options.LeaseDuration,
            ETag = row?.ETag ?? default,
        }, cancellationToken);
        if (written is null)
        {
            Release();
            return false;
        }

        if (!_dirty && !taking)
        {
            calls.MarkIdle();
        }

        _cursor = written;
        _dirty = false;
        _persisted = now;
        if (taking)
        {
            lock (_gate)
            {
                _through = through;
                foreach (var old in _buffer.Keys.Where(p => p <= through).ToList())
                {
                    _buffer.Remove(old);
                }
            }

            _catchUp = true;
            EventsLog.PumpHeld(logger, sink.Name, platform, through);
        }

        return true;
    }

    private async Task PersistAsync(bool force, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!_dirty || _cursor is not { } held || held.Owner != _owner || (!force && now - _persisted < options.PersistInterval))
        {
            return;
        }

        using var calls = StorageCalls.Begin("webhook");
        var written = await work.TryWriteCursorAsync(sink.Name, platform, new CursorEntity
        {
            DeliveredThrough = _through,
            Owner = _owner,
            LeaseUntil = now + options.LeaseDuration,
            ETag = held.ETag,
        }, cancellationToken);
        if (written is null)
        {
            Release();
            return;
        }

        _cursor = written;
        _dirty = false;
        _persisted = now;
    }

    private void Release()
    {
        _cursor = null;
        lock (_gate)
        {
            _through = -1;
            _buffer.Clear();
        }
    }
}

/// <summary>Runs a <see cref="FeedPump"/> for every sink and platform it serves, fed by the events this instance commits.</summary>
internal sealed class FeedPumps : BackgroundService
{
    private readonly List<(string Platform, FeedPump Pump)> _pumps;
    private readonly FeedNotifications _notifications;

    public FeedPumps(
        IEnumerable<IFeedSink> sinks, EventFeed feed, WorkIndex work, FeedNotifications notifications,
        IOptions<FeedPumpOptions> options, TimeProvider time, ILogger<FeedPumps> logger)
    {
        _notifications = notifications;
        _pumps = [.. sinks.SelectMany(s => s.Platforms.Select(p => (p, new FeedPump(s, p, feed, work, options.Value, time, logger))))];
        notifications.Committed += Offer;
    }

    /// <summary>Makes every pump look for events now (the Functions timer, for events another instance committed).</summary>
    public void Nudge()
    {
        foreach (var (_, pump) in _pumps)
        {
            pump.Nudge();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        _notifications.Committed -= Offer;
        foreach (var (_, pump) in _pumps)
        {
            try
            {
                await pump.StopAsync(cancellationToken);
            }
            catch (Azure.RequestFailedException)
            {
                // The next holder starts from the cursor written before: at least once, never lost.
            }
        }
    }

    public override void Dispose()
    {
        foreach (var (_, pump) in _pumps)
        {
            pump.Dispose();
        }

        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_pumps.Select(p => Task.Run(() => p.Pump.RunAsync(stoppingToken), stoppingToken)));

    private void Offer(string platform, IReadOnlyList<EventEntity> events)
    {
        foreach (var (_, pump) in _pumps.Where(p => p.Platform == platform))
        {
            pump.Offer(events);
        }
    }
}

internal static class FeedPumpRegistration
{
    /// <summary>The pumps run in every host (the Functions worker too); the platforms' webhooks are one sink, the topic another.</summary>
    public static IServiceCollection AddFeedPumps(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        Composition.Settings.AddValidatedOptions<FeedPumpOptions>(services, configuration, FeedPumpOptions.Section);
        services.AddHttpClient(PlatformWebhooks.ClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<PlatformWebhooks>();
        services.AddSingleton<IFeedSink>(sp => sp.GetRequiredService<PlatformWebhooks>());
        services.AddSingleton<FeedPumps>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedPumps>());
        return services;
    }
}
