using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Storage.Queues;
using IntegrationHub.Contracts;
using IntegrationHub.Local.Sandbox;

namespace IntegrationHub.Bench;

/// <summary>(d) the drain: what was queued, how fast it became final, and what did not.</summary>
internal sealed record DrainResults(
    int Accepted,
    IReadOnlyDictionary<string, int> QueuedMessages,
    Step Fill,
    double Seconds,
    int Final,
    double Rate,
    double SteadyRate,
    int? Lost,
    int Unfinished,
    IReadOnlyList<string> LostExamples,
    int FinalButNotTold,
    int DuplicateCases,
    IReadOnlyDictionary<string, int> Faults,
    long DepartmentCalls,
    int RepeatedFinalEvents,
    Usage? Usage,
    IReadOnlyList<(double Seconds, int Final)> Progress)
{
    /// <summary>Raw SDK calls draining a backlog as large as this one, on the same store before the hub's fill; null when skipped.</summary>
    public DrainFloorResult? Floor { get; init; }
}

/// <summary>
/// (d) N GA-001 applications accepted while the hub only takes them in (they stay queued), then the hub restarted as it
/// runs, with 公安 answering a share of its calls 503, until every one is final as the platform is told by webhook.
/// </summary>
internal static class DrainPhase
{
    public const string Item = IntakePhase.Item;
    private const int FillClients = 50;
    private const int MaxChecked = 500;

    // The hub's default Handoff:Concurrency, so the floor drains with as many at once as the hub does.
    private const int DrainFloorConcurrency = 16;
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The drain floor, on a store of its own (<paramref name="stack"/>, no hub): a queue Azurite has held 10,000 messages
    /// in stays dear after it is deleted (the fill that followed the floor on one store ran at 27/s, against 525/s for
    /// intake on a fresh one), so the hub's fill and drain get a fresh Azurite after it.
    /// </summary>
    public static async Task<DrainFloorResult> FloorAsync(BenchStack stack, BenchOptions options, CancellationToken cancellationToken)
    {
        var drainFloor = await AzuriteDrainFloor.RunAsync(stack.Hub.ConnectionString!, options.Drain, FillClients, DrainFloorConcurrency,
            options.DrainFloorWindow, stack.Watch, cancellationToken);
        Console.WriteLine($"  drain floor: {drainFloor.Queued:N0} raw messages + rows queued in {drainFloor.FillSeconds:0.0} s; drained {drainFloor.Drained:N0} in {drainFloor.Seconds:0.0} s = {drainFloor.Rate:N1}/s (receive, one transaction, delete per message; {DrainFloorConcurrency} at once)");
        return drainFloor;
    }

    public static async Task<DrainResults> RunAsync(BenchStack stack, BenchOptions options, ApplicationSource source, DrainFloorResult? drainFloor,
        CancellationToken cancellationToken)
    {
        await stack.StartHubAsync(HubMode.IntakeOnly, cancellationToken);
        var materials = await stack.UploadMaterialsAsync([Item], cancellationToken);
        var ids = new string?[options.Drain];
        Step fill;
        using (var http = LoadHttp.Create(FillClients, stack.Hub.Url))
        {
            fill = await ClosedLoop.ThroughAsync("fill", FillClients, options.Drain, options.Timeout, async (i, ct) =>
            {
                ids[i] = await Intake.SubmitUntilTakenAsync(http, source.Next(Item, materials), stack.PlatformKey, ct);
                return ids[i] is null ? Outcome.Refused : Outcome.Ok;
            }, stack.Watch, cancellationToken);
        }

        var accepted = ids.OfType<string>().ToList();
        Console.WriteLine($"  filled: {accepted.Count} of {options.Drain} accepted in {fill.Result.Seconds:0.0} s ({accepted.Count / fill.Result.Seconds:0.0}/s at {FillClients} clients)");
        await stack.StopHubAsync();
        var queued = await QueuedAsync(stack.Hub.ConnectionString!, cancellationToken);
        Console.WriteLine($"  queued at Azurite: {string.Join(", ", queued.Select(q => $"{q.Key} {q.Value}"))}");

        var faults = new SandboxFaults(new SandboxFaultRates
        {
            Unavailable = options.DrainFaults,
            UnavailableAnnouncesRetryAfter = options.RetryAfter is not null,
            MinRetryAfter = options.RetryAfter ?? TimeSpan.FromSeconds(1),
            MaxRetryAfter = options.RetryAfter ?? TimeSpan.FromSeconds(1),
        }, seed: 9, TimeProvider.System);
        stack.Departments.PublicSecurity.Faults = faults;
        var casesBefore = stack.Departments.PublicSecurity.ReceivedApplications.Count;

        stack.Watch.ResetPeaks();
        await stack.StartHubAsync(HubMode.HandingOff, cancellationToken);
        var t0 = stack.HealthyAt;
        var before = await stack.Watch.TakeAsync(cancellationToken);
        var (progress, deadline) = await FollowAsync(stack, accepted, t0, options, cancellationToken);
        var after = await stack.Watch.TakeAsync(cancellationToken);
        stack.Departments.PublicSecurity.Faults = null;

        var finals = accepted.Select(id => stack.Platform.Finals.TryGetValue(id, out var seen) ? seen : (FinalSeen?)null).OfType<FinalSeen>()
            .Select(f => f.ReceivedAt).Order().ToList();
        var lastFinal = progress.Count > 0 ? progress[^1].Seconds : 0;
        // Still moving at the deadline: what is not final is unfinished, not lost (the run cannot tell which it is), and
        // the hub, still busy, is not asked about each one. Otherwise the hub is asked about what the platform was not told.
        var open = accepted.Where(id => !stack.Platform.Finals.ContainsKey(id)).ToList();
        var (notTold, examples) = deadline ? (0, []) : await CheckOpenAsync(stack, open, cancellationToken);
        var duplicates = DuplicateCases(stack);
        return new DrainResults(
            accepted.Count, queued, fill, lastFinal, finals.Count,
            lastFinal > 0 ? finals.Count / lastFinal : 0,
            SteadyRate(finals),
            deadline ? null : open.Count - notTold, deadline ? open.Count : 0, examples, notTold, duplicates, faults.Counts,
            stack.Departments.PublicSecurity.ReceivedApplications.Count - casesBefore,
            stack.Platform.RepeatedFinalEvents,
            Usage.Between(before, after),
            progress)
        {
            Floor = drainFloor,
        };
    }

    /// <summary>Messages waiting in every queue of the store, as Azurite counts them.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> QueuedAsync(string connectionString, CancellationToken cancellationToken)
    {
        var service = new QueueServiceClient(connectionString);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await foreach (var queue in service.GetQueuesAsync(cancellationToken: cancellationToken))
        {
            if (queue.Name != AzuriteFloor.Name)
            {
                counts[queue.Name] = (await service.GetQueueClient(queue.Name).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            }
        }

        return counts;
    }

    /// <summary>Department cases counted by the departments: an applicant (unique per application) with more than one case.</summary>
    public static int DuplicateCases(BenchStack stack) => stack.Departments.Tally().SelectMany(d => d.Cases)
        .Where(c => c.IdNumber is not null).GroupBy(c => c.IdNumber, StringComparer.Ordinal).Count(g => g.Count() > 1);

    /// <summary>Finals per second between the 10th and the 90th percentile of arrivals: the pace once started, before the tail.</summary>
    public static double SteadyRate(IReadOnlyList<DateTimeOffset> finals)
    {
        if (finals.Count < 20)
        {
            return double.NaN;
        }

        var (from, to) = ((int)(finals.Count * 0.1), (int)(finals.Count * 0.9));
        var seconds = (finals[to] - finals[from]).TotalSeconds;
        return seconds > 0 ? (to - from) / seconds : double.NaN;
    }

    /// <summary>
    /// Waits until every accepted application is final, or nothing moved for the patience (no new final and no new case
    /// at 公安: a long queue takes a while before its first final, while the department already receives), or the
    /// deadline (then true).
    /// </summary>
    private static async Task<(List<(double Seconds, int Final)> Progress, bool Deadline)> FollowAsync(BenchStack stack, List<string> accepted, long t0,
        BenchOptions options, CancellationToken cancellationToken)
    {
        var progress = new List<(double Seconds, int Final)>();
        var received = () => stack.Departments.PublicSecurity.ReceivedApplications.Count;
        var (lastCount, lastReceived, lastChange, lastPrint) = (0, received(), Stopwatch.GetTimestamp(), Stopwatch.GetTimestamp());
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var final = accepted.Count(stack.Platform.Finals.ContainsKey);
            var taken = received();
            var now = Stopwatch.GetTimestamp();
            if (final != lastCount)
            {
                progress.Add((Stopwatch.GetElapsedTime(t0, now).TotalSeconds, final));
            }

            if (final != lastCount || taken != lastReceived)
            {
                (lastCount, lastReceived, lastChange) = (final, taken, now);
            }

            if (Stopwatch.GetElapsedTime(lastPrint, now) >= ProgressEvery)
            {
                lastPrint = now;
                Console.WriteLine($"  t+{Stopwatch.GetElapsedTime(t0, now).TotalSeconds:0}s final {final} of {accepted.Count} (公安 cases {taken:N0})");
            }

            if (final == accepted.Count)
            {
                return (progress, false);
            }

            if (Stopwatch.GetElapsedTime(lastChange, now) > options.DrainPatience)
            {
                Console.WriteLine($"  stopped waiting: {accepted.Count - final} not final, nothing moved (no final, no new 公安 case) for {options.DrainPatience.TotalSeconds:0} s");
                return (progress, false);
            }

            if (Stopwatch.GetElapsedTime(t0, now) > options.DrainDeadline)
            {
                Console.WriteLine($"  stopped waiting at the deadline ({options.DrainDeadline.TotalMinutes:0.#} min, --drain-deadline): {accepted.Count - final} not final yet");
                return (progress, true);
            }
        }
    }

    /// <summary>
    /// Asks the hub about the applications the platform was not told are final (the first <see cref="MaxChecked"/>; the
    /// rest count as open): how many are final there all the same, and what the others are, by status.
    /// </summary>
    private static async Task<(int NotTold, List<string> Examples)> CheckOpenAsync(BenchStack stack, List<string> open, CancellationToken cancellationToken)
    {
        var statuses = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        using var http = LoadHttp.Create(8, stack.Hub.Url);
        await Parallel.ForEachAsync(open.Take(MaxChecked), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            try
            {
                var view = await Intake.GetAsync(http, id, stack.PlatformKey, ct);
                statuses[id] = view is null ? "missing" : view.Status.ToString();
            }
            catch (HttpRequestException e)
            {
                statuses[id] = $"unreadable ({e.StatusCode})";
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // A stalled hub may not answer at all: that is a finding, not a reason to lose the run's report.
                statuses[id] = "no answer within 30 s";
            }
        });
        var final = new[] { nameof(ApplicationStatus.Approved), nameof(ApplicationStatus.Denied), nameof(ApplicationStatus.Rejected) };
        var notTold = statuses.Count(s => final.Contains(s.Value));
        var examples = statuses.Where(s => !final.Contains(s.Value)).GroupBy(s => s.Value).Select(g => $"{g.Count()} {g.Key} (e.g. {g.First().Key})").ToList();
        if (open.Count > MaxChecked)
        {
            examples.Add($"{open.Count - MaxChecked} not asked");
        }

        return (notTold, examples);
    }
}
