using System.Collections.Concurrent;
using Azure.Data.Tables;
using IntegrationHub.Applications;
using IntegrationHub.Contracts;
using IntegrationHub.Storage;
using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Storage;

/// <summary>
/// The events feed cannot skip: two hub instances (each with its own group commit, cache and sequence row ETag) write
/// status steps of many applications at once over one real Azurite, while a reader polls the feed without pause, each
/// time from the last position it saw, exactly as a platform uses <c>GET /api/v1/events?after=</c>.
/// </summary>
public sealed class EventFeedTests : IAsyncLifetime
{
    private const string Platform = "platform-feed";

    private static readonly ApplicationStatus[] Path =
        [ApplicationStatus.Delivered, ApplicationStatus.Accepted, ApplicationStatus.InReview, ApplicationStatus.Approved];

    private Azurite _azurite = null!;
    private StoreGraph _one = null!;
    private StoreGraph _two = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        var service = new TableServiceClient(_azurite.ConnectionString);
        _one = new StoreGraph(service, "feed", TimeProvider.System);
        _two = new StoreGraph(service, "feed", TimeProvider.System);
    }

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task Feed_ConcurrentWritersOnTwoInstancesAndAPollingReader_ReaderSeesEveryEventOnceInOrderPerApplication()
    {
        const int applications = 40;
        var ids = await Task.WhenAll(Enumerable.Range(0, applications).Select(i => (i % 2 == 0 ? _one : _two).SubmitAsync(Platform)));

        var seen = new List<EventEntity>();
        var readWhileWriting = 0;
        using var writersDone = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            var after = "";
            while (true)
            {
                // The last read after the writers finished must come back empty: then nothing can be missing.
                var finished = writersDone.IsCancellationRequested;
                var page = await _one.Feed.ReadAsync(Platform, after, 25, CancellationToken.None);
                if (!finished)
                {
                    readWhileWriting += page.Count;
                }

                seen.AddRange(page);
                if (page.Count > 0)
                {
                    after = page[^1].RowKey;
                }
                else if (finished)
                {
                    return;
                }
            }
        });

        // Each application walks its path; every step goes through either instance at random, so both instances' group
        // commits race for the feed's sequence row and for the application's ETag.
        var written = new ConcurrentDictionary<string, List<int>>();
        await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            foreach (var status in Path)
            {
                var graph = Random.Shared.Next(2) == 0 ? _one : _two;
                var result = await graph.Store.StepAsync(id, a => new StepPlan { Entries = [.. StatusChanges.Move(a, status, null, "test", TimeProvider.System)] }, CancellationToken.None);
                Assert.Equal(StepOutcome.Committed, result.Outcome);
                written.GetOrAdd(id, _ => []).Add(Assert.Single(result.Added).Sequence);
            }
        })));
        await writersDone.CancelAsync();
        await reader;

        // Every event once, and nothing else; positions without a hole, in the order they were read.
        Assert.Equal(applications * Path.Length, seen.Count);
        Assert.Equal(seen.Count, seen.Select(e => e.EventId).Distinct().Count());
        var positions = seen.Select(EventFeed.PositionOf).ToList();
        Assert.Equal(Enumerable.Range(1, seen.Count).Select(p => (long)p), positions);
        Assert.True(readWhileWriting > 0, "the reader read nothing while the writers wrote: the race was not run");

        // Per application, in the order its steps committed, with the statuses of its path.
        foreach (var id in ids)
        {
            var events = seen.Where(e => e.ApplicationId == id).ToList();
            Assert.Equal(Path.Select(s => s.ToString()), events.Select(e => e.Status));
            Assert.Equal(written[id].Select(sequence => $"{id}-{sequence}"), events.Select(e => e.EventId));
        }
    }
}
