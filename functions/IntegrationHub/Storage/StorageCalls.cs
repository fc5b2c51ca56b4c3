using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace IntegrationHub.Storage;

/// <summary>
/// Counts every request the hub's storage clients send (tables, queues, blobs), by the operation that sent it. Storage
/// calls are what bounds the hub on one machine and what Azure bills and throttles, so they are measured in production
/// code, not guessed: the budget tests and the load command read <see cref="Snapshot"/>.
/// </summary>
/// <remarks>
/// An operation is an ambient scope (<see cref="Begin"/>) that flows with the async context: intake, dispatch, report,
/// poll, sweep… A call made for several operations at once (a group commit carrying rows of several applications) is
/// shared: each operation in it is counted its fraction of the call (<see cref="BeginShared"/>). Work that found nothing to
/// do (a queue receive that came back empty, a periodic job with nothing due) marks its scope idle, so its calls are
/// counted apart: they cost the same, but they are a price per unit of time, not per application.
/// </remarks>
internal sealed class StorageCalls
{
    public const string Idle = "idle";
    public const string Unscoped = "other";

    private static readonly AsyncLocal<Scope?> Current = new();

    private readonly ConcurrentDictionary<(string Operation, string Service), Counter> _counts = new();

    /// <summary>The pipeline policy for one storage client; <paramref name="service"/> is tables, queues or blobs.</summary>
    public HttpPipelinePolicy PolicyFor(string service) => new CountingPolicy(this, service);

    /// <summary>Opens an operation: calls made in this async context until it is disposed count for <paramref name="operation"/>.</summary>
    public static Scope Begin(string operation) => new(operation, null);

    /// <summary>Opens <paramref name="operation"/> unless the async context is in one already (a poll applying what it learnt).</summary>
    public static Scope? BeginUnlessScoped(string operation) => Current.Value is null ? Begin(operation) : null;

    /// <summary>Opens a scope whose calls are shared evenly by <paramref name="operations"/> (one entry per item carried).</summary>
    public static Scope BeginShared(IReadOnlyList<string> operations) => new(null, operations);

    /// <summary>The operation of the current async context, for work handed to another task (a group commit) to count it back.</summary>
    public static string CurrentOperation => Current.Value?.Operation ?? Unscoped;

    /// <summary>Calls so far: operation → service:target (<c>tables:hubwork</c>, <c>tables:$batch</c>, <c>queues:handoffs</c>) → count (shared calls counted fractionally).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Snapshot() =>
        _counts.GroupBy(c => c.Key.Operation)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, double>)g.ToDictionary(c => c.Key.Service, c => c.Value.Value));

    /// <summary>Every call so far except the idle ones.</summary>
    public double Working() => _counts.Where(c => c.Key.Operation != Idle).Sum(c => c.Value.Value);

    private void Count(string service)
    {
        var scope = Current.Value;
        if (scope is null)
        {
            Add(Unscoped, service, 1);
            return;
        }

        scope.Record(this, service);
    }

    private void Add(string operation, string service, double amount) => _counts.GetOrAdd((operation, service), _ => new Counter()).Add(amount);

    /// <summary>One operation in flight. Disposing it hands its calls to the counters, under its name or as idle.</summary>
    public sealed class Scope : IDisposable
    {
        private readonly Scope? _outer;
        private readonly IReadOnlyList<string>? _shared;
        private readonly List<(StorageCalls Owner, string Service)> _calls = [];
        private bool _idle;
        private bool _disposed;

        internal Scope(string? operation, IReadOnlyList<string>? shared)
        {
            Operation = operation ?? Unscoped;
            _shared = shared;
            _outer = Current.Value;
            Current.Value = this;
        }

        public string Operation { get; }

        /// <summary>The work found nothing to do: its calls are counted as idle.</summary>
        public void MarkIdle() => _idle = true;

        internal void Record(StorageCalls owner, string service)
        {
            lock (_calls)
            {
                if (_disposed)
                {
                    // A call that outlived its scope (a fire-and-forget continuation) still counts, under the name.
                    owner.Add(Operation, service, 1);
                    return;
                }

                _calls.Add((owner, service));
            }
        }

        public void Dispose()
        {
            lock (_calls)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                foreach (var (owner, service) in _calls)
                {
                    if (_shared is { Count: > 0 } operations)
                    {
                        foreach (var operation in operations)
                        {
                            owner.Add(operation, service, 1.0 / operations.Count);
                        }
                    }
                    else
                    {
                        owner.Add(_idle ? Idle : Operation, service, 1);
                    }
                }
            }

            Current.Value = _outer;
        }
    }

    private sealed class Counter
    {
        private double _value;

        public double Value => Volatile.Read(ref _value);

        public void Add(double amount)
        {
            double seen, next;
            do
            {
                seen = Volatile.Read(ref _value);
                next = seen + amount;
            }
            while (Interlocked.CompareExchange(ref _value, next, seen) != seen);
        }
    }

    // Per retry: a retried request is billed again. Each call is named by its service and what it touched (a table, a
    // transaction, a queue), so a budget that is exceeded says where.
    private sealed class CountingPolicy(StorageCalls owner, string service) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => owner.Count($"{service}:{Target(service, message.Request.Uri.Path)}");

        private static string Target(string service, string path)
        {
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);

            // A blob is named by its container (the last segment would be the blob: one counter per file, without end).
            if (service == "blobs" && Array.FindIndex(segments, s => s.EndsWith("-materials", StringComparison.Ordinal)) is >= 0 and var container)
            {
                return segments[container];
            }

            var messages = Array.IndexOf(segments, "messages");
            var target = messages > 0 ? segments[messages - 1] : segments.Length > 0 ? segments[^1] : "";
            var bracket = target.IndexOf('(', StringComparison.Ordinal);
            return bracket >= 0 ? target[..bracket] : target;
        }
    }
}
