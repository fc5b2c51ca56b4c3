using System.Diagnostics;

namespace IntegrationHub.Bench;

/// <summary>How one request ended, as the client saw it.</summary>
internal enum Outcome : byte
{
    /// <summary>The answer the step wants (202 from intake, 2xx from a floor).</summary>
    Ok,

    /// <summary>Any other HTTP answer, or a storage error answer.</summary>
    Refused,

    /// <summary>No answer: the connection failed or the client gave up (30 s).</summary>
    NoAnswer,
}

/// <summary>One request: when it left and when its answer arrived (Stopwatch timestamps), and how it ended.</summary>
internal readonly record struct Sample(long Start, long End, Outcome Outcome);

/// <summary>Latency percentiles in milliseconds, nearest rank.</summary>
internal sealed record Percentiles(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    public static Percentiles Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public static Percentiles Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return Empty;
        }

        return new Percentiles(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.95), Rank(sorted, 0.99), sorted[^1], sorted.Average());
    }

    /// <summary>The smallest value with at least <paramref name="p"/> of the values at or below it.</summary>
    public static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public double this[string name] => name switch
    {
        "p50" => P50,
        "p95" => P95,
        "p99" => P99,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "p50, p95 or p99"),
    };
}

/// <summary>
/// One step at a fixed number of clients. Throughput counts the requests that ended inside the measured window; the
/// latencies are theirs (answered ones only); a timeout is a request that left inside the window and was answered later
/// than the limit, or not at all (the client waits up to 30 s, so the percentiles are never cut off at the limit).
/// </summary>
internal sealed record StepResult(int Clients, double Seconds, int Ok, int Refused, int NoAnswer, int Timeouts, Percentiles Latency)
{
    public double Rate => Ok / Seconds;

    public static StepResult From(int clients, IEnumerable<Sample> samples, long from, long to, TimeSpan timeout)
    {
        var limit = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        int ok = 0, refused = 0, noAnswer = 0, timeouts = 0;
        var latencies = new List<double>();
        foreach (var s in samples)
        {
            if (s.Start >= from && s.Start < to && (s.Outcome == Outcome.NoAnswer || s.End - s.Start > limit))
            {
                timeouts++;
            }

            if (s.End < from || s.End >= to)
            {
                continue;
            }

            switch (s.Outcome)
            {
                case Outcome.Ok:
                    ok++;
                    break;
                case Outcome.Refused:
                    refused++;
                    break;
                default:
                    noAnswer++;
                    continue;
            }

            latencies.Add((s.End - s.Start) * 1000.0 / Stopwatch.Frequency);
        }

        return new StepResult(clients, (to - from) / (double)Stopwatch.Frequency, ok, refused, noAnswer, timeouts, Percentiles.Of(latencies));
    }
}

/// <summary>A step's figures with what the processes and the machine used during its measured window.</summary>
internal sealed record Step(string System, StepResult Result, Usage? Usage);

/// <summary>
/// A closed loop: each client sends, waits for the answer, sends again. Clients start together, run unmeasured for the
/// warm-up (connections open, JIT, caches), then for the measured window; requests still out at its end are awaited.
/// The usage is snapshotted at the window's edges.
/// </summary>
internal static class ClosedLoop
{
    public static async Task<Step> RunAsync(string system, int clients, TimeSpan warmup, TimeSpan measure, TimeSpan timeout,
        Func<int, CancellationToken, Task<Outcome>> send, UsageWatch? watch, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var from = start + Ticks(warmup);
        var to = from + Ticks(measure);
        var perClient = new List<Sample>[clients];
        var usage = watch is null ? Task.FromResult<Usage?>(null) : WindowAsync(watch, warmup, measure, cancellationToken);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var samples = perClient[client] = new List<Sample>(4096);
            while (Stopwatch.GetTimestamp() < to)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var sent = Stopwatch.GetTimestamp();
                var outcome = await send(client, cancellationToken);
                samples.Add(new Sample(sent, Stopwatch.GetTimestamp(), outcome));
            }
        }, cancellationToken)));
        return new Step(system, StepResult.From(clients, perClient.SelectMany(s => s), from, to, timeout), await usage);
    }

    /// <summary>
    /// <paramref name="total"/> items through <paramref name="clients"/> clients, each item once (the sender retries it
    /// itself until it is taken); measured from the first send to the last answer.
    /// </summary>
    public static async Task<Step> ThroughAsync(string system, int clients, int total, TimeSpan timeout,
        Func<int, CancellationToken, Task<Outcome>> send, UsageWatch? watch, CancellationToken cancellationToken)
    {
        var next = -1;
        var before = watch is null ? null : await watch.TakeAsync(cancellationToken);
        var start = Stopwatch.GetTimestamp();
        var perClient = new List<Sample>[clients];
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var samples = perClient[client] = new List<Sample>(4096);
            for (var item = Interlocked.Increment(ref next); item < total; item = Interlocked.Increment(ref next))
            {
                var sent = Stopwatch.GetTimestamp();
                var outcome = await send(item, cancellationToken);
                samples.Add(new Sample(sent, Stopwatch.GetTimestamp(), outcome));
            }
        }, cancellationToken)));
        var end = Stopwatch.GetTimestamp() + 1;
        var usage = watch is null || before is null ? null : Usage.Between(before, await watch.TakeAsync(cancellationToken));
        return new Step(system, StepResult.From(clients, perClient.SelectMany(s => s), start, end, timeout), usage);
    }

    public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static async Task<Usage?> WindowAsync(UsageWatch watch, TimeSpan warmup, TimeSpan measure, CancellationToken cancellationToken)
    {
        await Task.Delay(warmup, cancellationToken);
        watch.ResetPeaks();
        var before = await watch.TakeAsync(cancellationToken);
        await Task.Delay(measure, cancellationToken);
        return Usage.Between(before, await watch.TakeAsync(cancellationToken));
    }
}
