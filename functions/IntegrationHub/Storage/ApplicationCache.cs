using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Storage;

/// <summary>
/// The applications this instance wrote or read last, with their ETags, so the next step on one (the dispatcher after
/// intake, a notification after the receipt) needs no read first. Safe because every write is ETag-conditional: a copy
/// another instance made stale fails its write with 412, and the store reads the row again and decides again.
/// </summary>
/// <remarks>
/// Bounded by <see cref="StorageOptions.ApplicationCacheSize"/> entries (0 turns it off); an entry is one application
/// row, its sealed submission included (about 2-4 KB), so the default 4,096 costs some 10-16 MB. The oldest entries go
/// first. Readers for people (the platform's GET, the portal) always read storage.
/// </remarks>
internal sealed class ApplicationCache(IOptions<StorageOptions> options)
{
    private readonly ConcurrentDictionary<string, ApplicationEntity> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly int _capacity = options.Value.ApplicationCacheSize;

    /// <summary>A copy of the application as this instance last saw it, or null.</summary>
    public ApplicationEntity? Get(string applicationId) =>
        _entries.TryGetValue(applicationId, out var found) ? found.Copy() : null;

    public void Set(ApplicationEntity application)
    {
        if (_capacity == 0)
        {
            return;
        }

        if (_entries.TryGetValue(application.PartitionKey, out _))
        {
            _entries[application.PartitionKey] = application.Copy();
            return;
        }

        _entries[application.PartitionKey] = application.Copy();
        _order.Enqueue(application.PartitionKey);
        while (_entries.Count > _capacity && _order.TryDequeue(out var oldest))
        {
            _entries.TryRemove(oldest, out _);
        }
    }

    public void Forget(string applicationId) => _entries.TryRemove(applicationId, out _);
}

/// <summary>
/// One step at a time per application within this instance, from reading it to handing its events to the feed, so its
/// events reach the feed in the order its steps committed. Striped: applications share a few hundred locks.
/// </summary>
internal sealed class ApplicationLocks
{
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 1024).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<IDisposable> EnterAsync(string applicationId, CancellationToken cancellationToken)
    {
        // string.GetHashCode is randomised per process, which is fine: stripes only matter within one.
        var stripe = _stripes[(applicationId.GetHashCode(StringComparison.Ordinal) & int.MaxValue) % _stripes.Length];
        await stripe.WaitAsync(cancellationToken);
        return new Release(stripe);
    }

    private sealed class Release(SemaphoreSlim stripe) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                stripe.Release();
            }
        }
    }
}
