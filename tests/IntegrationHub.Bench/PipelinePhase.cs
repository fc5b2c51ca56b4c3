using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Serialization;
using IntegrationHub.Soak;

namespace IntegrationHub.Bench;

/// <summary>One department's applications through the whole pipeline, with what each cost the hub.</summary>
internal sealed record PipelineResults(
    string Department,
    string Item,
    int Submitted,
    int Accepted,
    int Final,
    Percentiles IntakeLatency,
    Percentiles ReceivedLatency,
    Percentiles FinalLatency,
    Percentiles ToldLatency,
    IReadOnlyList<double> ReceivedSeconds,
    IReadOnlyList<double> ToldSeconds,
    Usage? Usage,
    double IdleStorageCallsPerSecond,
    long StorageCalls,
    long DepartmentCalls,
    [property: JsonIgnore] SoakApplication? Known,
    string? KnownId,
    double Rate = 0,
    long BlobCalls = 0)
{
    /// <summary>
    /// Table and queue calls per application over the window, with the idle polling of the same span taken off: the
    /// status path the budget is about. A material's blob calls (issue 11, after the budget) are counted apart,
    /// as the budget tests count them.
    /// </summary>
    public double NetStorageCallsPerApplication => Accepted == 0 || Usage?.StorageCalls is null
        ? double.NaN
        : Math.Max(0, StorageCalls - BlobCalls - (IdleStorageCallsPerSecond * Usage.Seconds)) / Accepted;

    public double BlobCallsPerApplication => Accepted == 0 ? double.NaN : BlobCalls / (double)Accepted;

    public double GrossStorageCallsPerApplication => Accepted == 0 || Usage?.StorageCalls is null ? double.NaN : StorageCalls / (double)Accepted;
}

/// <summary>
/// (c) submission → department received → final, one department at a time (GA-001 公安, FG-001 房管, RS-001 人社, each
/// decided later), sent open-loop at a steady rate so no backlog forms: the latency of the pipeline itself. Each
/// department's window also gives the cost per whole application (e): storage calls, CPU, allocations.
/// </summary>
internal static class PipelinePhase
{
    public static readonly (string Department, string Item)[] Items = [("公安", "GA-001"), ("房管", "FG-001"), ("人社", "RS-001")];

    // The hub paces its calls to 房管 and 人社 at 16/s by default (their CallsPerSecond; 公安 publishes no rate). An
    // application costs them its delivery, one upload per material and, for 人社, at least one status query: sent faster
    // than the pace allows, hand-offs wait their turn (held and re-sent), and the window would measure the department's
    // limit, not the pipeline. So each of them gets at most 80 % of its pace; the rate used is printed on its line.
    private static readonly Dictionary<string, (double Pace, int Queries)> Paced = new(StringComparer.Ordinal)
    {
        ["房管"] = (16, 0),
        ["人社"] = (16, 1),
    };

    public static double RateFor(string department, PreparedApplication application, double rate) =>
        Paced.TryGetValue(department, out var paced)
            ? Math.Min(rate, 0.8 * paced.Pace / (1 + (application.Application.Body["materials"]?.AsArray().Count ?? 0) + paced.Queries))
            : rate;

    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    private sealed record Sent(PreparedApplication Application, DateTimeOffset At, double IntakeMs, string? Id);

    public static async Task<IReadOnlyList<PipelineResults>> RunAsync(BenchStack stack, BenchOptions options, ApplicationSource source, CancellationToken cancellationToken)
    {
        await stack.StartHubAsync(HubMode.HandingOff, cancellationToken);

        // Before the idle window and the departments' windows: a platform uploads its files before it applies.
        var materials = await stack.UploadMaterialsAsync(Items.Select(i => i.Item), cancellationToken);

        // The hub idle: what its workers and sweep cost with nothing to do, taken off each department's window.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var idleFrom = await stack.Watch.TakeAsync(cancellationToken);
        await Task.Delay(Idle, cancellationToken);
        var idle = Usage.Between(idleFrom, await stack.Watch.TakeAsync(cancellationToken));
        var idleRate = (idle.StorageCalls ?? 0) / idle.Seconds;
        Console.WriteLine($"  idle hub: {idleRate:0.0} storage calls/s, {idle.Cpu(UsageWatch.Hub) / idle.Seconds:0.000} cores");

        var results = new List<PipelineResults>();
        using var http = LoadHttp.Create(64, stack.Hub.Url);
        foreach (var (department, item) in Items)
        {
            var applications = Enumerable.Range(0, options.PipelinePerDepartment).Select(_ => source.Next(item, materials)).ToList();
            stack.Watch.ResetPeaks();
            var before = await stack.Watch.TakeAsync(cancellationToken);
            var rate = RateFor(department, applications[0], options.PipelineRate);
            var sent = await SendAsync(http, stack, applications, rate, cancellationToken);
            var ids = sent.Where(s => s.Id is not null).Select(s => s.Id!).ToList();
            await WaitForFinalAsync(stack, ids, cancellationToken);
            await Task.Delay(Settle, cancellationToken);
            var usage = Usage.Between(before, await stack.Watch.TakeAsync(cancellationToken));
            var result = Measure(stack, department, item, rate, sent, usage, idleRate);
            results.Add(result);
            Console.WriteLine($"  {department} {item}: {result.Final}/{result.Accepted} final; received p50 {result.ReceivedLatency.P50:0} ms p99 {result.ReceivedLatency.P99:0}; "
                + $"final p50 {result.FinalLatency.P50:0} ms p99 {result.FinalLatency.P99:0}; platform told p50 {result.ToldLatency.P50:0} ms; "
                + $"at {rate:0.#}/s; table and queue calls/application {result.NetStorageCallsPerApplication:0.0}, blob {result.BlobCallsPerApplication:0.0} (gross {result.GrossStorageCallsPerApplication:0.0})");
        }

        return results;
    }

    private static async Task<List<Sent>> SendAsync(HttpClient http, BenchStack stack, List<PreparedApplication> applications, double rate, CancellationToken cancellationToken)
    {
        var sent = new ConcurrentBag<Sent>();
        var start = Stopwatch.GetTimestamp();
        var running = new List<Task>();
        for (var i = 0; i < applications.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }

            var application = applications[i];
            running.Add(Task.Run(async () =>
            {
                var at = TimeProvider.System.GetUtcNow();
                var clock = Stopwatch.GetTimestamp();
                var id = await Intake.SubmitUntilTakenAsync(http, application, stack.PlatformKey, cancellationToken);
                sent.Add(new Sent(application, at, Stopwatch.GetElapsedTime(clock).TotalMilliseconds, id));
            }, cancellationToken));
        }

        await Task.WhenAll(running);
        return [.. sent];
    }

    private static async Task WaitForFinalAsync(BenchStack stack, List<string> ids, CancellationToken cancellationToken)
    {
        var (last, since) = (-1, Stopwatch.GetTimestamp());
        while (true)
        {
            var final = ids.Count(stack.Platform.Finals.ContainsKey);
            if (final == ids.Count)
            {
                return;
            }

            if (final != last)
            {
                (last, since) = (final, Stopwatch.GetTimestamp());
            }
            else if (Stopwatch.GetElapsedTime(since) > Patience)
            {
                Console.WriteLine($"  {ids.Count - final} not final after {Patience.TotalSeconds:0} s without progress");
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private static PipelineResults Measure(BenchStack stack, string department, string item, double rate, List<Sent> sent, Usage usage, double idleRate)
    {
        var received = ReceivedAt(stack.Departments, item);
        var accepted = sent.Where(s => s.Id is not null).ToList();
        var receivedSeconds = new List<double>();
        var finalMs = new List<double>();

        // One the department took and the platform was told is final: the portal phase must find it by every key.
        var known = accepted.LastOrDefault(s => received.ContainsKey(s.Id!) && stack.Platform.Finals.ContainsKey(s.Id!));
        var toldSeconds = new List<double>();
        foreach (var s in accepted)
        {
            if (received.TryGetValue(s.Id!, out var at))
            {
                receivedSeconds.Add((at - s.At).TotalSeconds);
            }

            if (stack.Platform.Finals.TryGetValue(s.Id!, out var final))
            {
                finalMs.Add((final.OccurredAt - s.At).TotalMilliseconds);
                toldSeconds.Add((final.ReceivedAt - s.At).TotalSeconds);
            }
        }

        return new PipelineResults(department, item, sent.Count, accepted.Count, finalMs.Count,
            Percentiles.Of(accepted.Select(s => s.IntakeMs)),
            Percentiles.Of(receivedSeconds.Select(s => s * 1000)),
            Percentiles.Of(finalMs),
            Percentiles.Of(toldSeconds.Select(s => s * 1000)),
            receivedSeconds, toldSeconds, usage, idleRate,
            usage.StorageCalls ?? 0, usage.DepartmentCalls ?? 0,
            known?.Application.Application, known?.Id, rate, usage.BlobCalls ?? 0);
    }

    /// <summary>When each department first took each hand-off key (the application id) as a new case, by its own clock.</summary>
    private static Dictionary<string, DateTimeOffset> ReceivedAt(SoakDepartments departments, string item) => item[..2] switch
    {
        "GA" => departments.PublicSecurity.ReceivedApplications.Where(r => r.Lsh is not null && r.Code is "0000" or "0001")
            .GroupBy(r => r.Lsh!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Min(r => r.At), StringComparer.Ordinal),
        "FG" => departments.Housing.ReceivedApplications.Where(r => r.RequestId is not null && r.HttpStatus is 200 or 202)
            .GroupBy(r => r.RequestId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Min(r => r.At), StringComparer.Ordinal),
        _ => departments.SocialSecurity.ReceivedCalls.Where(c => c.TransId is not null && c.TradeCode != "RS9001" && c.RetCode is "0000" or "0001")
            .GroupBy(c => c.TransId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Min(c => c.Time), StringComparer.Ordinal),
    };
}
