using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IntegrationHub.Bench;

/// <summary>Everything one run measured; a phase that did not run stays null.</summary>
internal sealed class BenchResults(BenchOptions options, string runId, string commit)
{
    public BenchOptions Options { get; } = options;

    public string RunId { get; } = runId;

    public string Commit { get; } = commit;

    public int Cores { get; } = Environment.ProcessorCount;

    public FloorResults? Floors { get; set; }

    public IReadOnlyList<Step>? Intake { get; set; }

    public DrainResults? Drain { get; set; }

    public IReadOnlyList<PipelineResults>? Pipeline { get; set; }

    public PortalResults? Portal { get; set; }

    public double WallSeconds { get; set; }

    /// <summary>The run was stopped (Ctrl-C) before its end: the report holds the phases that finished.</summary>
    public bool Interrupted { get; set; }
}

/// <summary>A target of issue 9, judged on this run's figures; <see cref="Met"/> is null when the run did not measure it.</summary>
internal sealed record Target(string What, string Figure, bool? Met)
{
    public string Verdict => Met switch { true => "met", false => "MISSED", null => "not measured" };
}

/// <summary>
/// The run's report: every figure beside its floor and the ratio to it, the issue's targets judged, the load generator's
/// own share, and the machine's other load. Printed, and written as report.txt, summary.md and results.json.
/// </summary>
internal static class BenchReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        IncludeFields = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Text(BenchResults r)
    {
        var o = new StringBuilder();
        void Line(string text = "") => o.AppendLine(text);
        var floors = r.Floors;
        var target = r.Options.TargetClients;

        Line($"IntegrationHub bench {r.RunId} on commit {r.Commit}: a first reading on a shared {r.Cores}-core machine (other work on it shows under 'others')");
        if (r.Interrupted)
        {
            Line("INTERRUPTED (Ctrl-C or an error): only the phases that finished are reported");
        }

        Line();
        if (floors is not null)
        {
            Line("(a) floors, closed loop, each client one connection");
            Line("  clients | Kestrel floor /s   p50 ms   p99 ms | Azurite floor /s   p50 ms   p95 ms   p99 ms | generator cores");
            foreach (var clients in r.Options.Clients)
            {
                var (k, a) = (floors.KestrelAt(clients), floors.AzuriteAt(clients));
                Line(F($"  {clients,7} | {Rate(k),16} {Ms(k?.Result.Latency.P50),8} {Ms(k?.Result.Latency.P99),8} | {Rate(a),16} {Ms(a?.Result.Latency.P50),8} {Ms(a?.Result.Latency.P95),8} {Ms(a?.Result.Latency.P99),8} | {Cores(k, UsageWatch.Bench),15}"));
            }

            foreach (var w in floors.Wrk)
            {
                var mine = floors.KestrelAt(w.Clients)?.Result.Rate;
                Line(F($"  wrk on the Kestrel floor at {w.Clients} clients: {w.Rate:N0}/s, p50 {w.P50:0.00} ms, p99 {w.P99:0.00} ms; the bench's generator reached {Ratio(mine, w.Rate)} of it"));
            }

            Line();
        }

        if (r.Intake is { } intake)
        {
            Line("(b) hub intake: POST /api/v1/applications, GA-001, distinct Idempotency-Keys, the dispatcher idle (see README); ratios to the Azurite floor at the same clients");
            Line("  clients |  accepted/s (× floor) |  p50 ms (× floor) |  p95 ms (× floor) |  p99 ms (× floor) | timeouts refused | per application: storage calls, hub CPU ms, hub KB allocated | cores: hub Azurite bench others");
            foreach (var s in intake)
            {
                var a = floors?.AzuriteAt(s.Result.Clients)?.Result;
                var x = s.Result;
                Line(F($"  {x.Clients,7} | {x.Rate,9:N1} ({Ratio(x.Rate, a?.Rate),7}) | {Ms(x.Latency.P50),7} ({Ratio(x.Latency.P50, a?.Latency.P50),6}) | {Ms(x.Latency.P95),7} ({Ratio(x.Latency.P95, a?.Latency.P95),6}) | {Ms(x.Latency.P99),7} ({Ratio(x.Latency.P99, a?.Latency.P99),6}) | {x.Timeouts,8} {x.Refused,7} | {PerApplication(s.Usage, x.Ok)} | {Spread(s.Usage)}"));
            }

            Line(F($"  (timeouts: answers slower than {r.Options.Timeout.TotalSeconds:0.#} s, or none; the client waits up to 30 s so the percentiles are not cut off)"));
            Line();
        }

        if (r.Pipeline is { } pipeline)
        {
            var oneClient = floors?.AzuriteAt(r.Options.Clients.Min())?.Result.Latency.P50;
            Line(F($"(c) submission → department received → final, open loop per department at up to {r.Options.PipelineRate:0.#}/s (a paced department at most 80 % of its pace: see the rate), ratios to the Azurite floor's p50 at {r.Options.Clients.Min()} client ({Ms(oneClient)} ms)"));
            Line("  department item    rate/s accepted final | intake p50 ms | received p50 (× floor)  p95   p99 ms | final p50 (× floor)  p95   p99 ms | platform told p50 p99 ms");
            foreach (var p in pipeline)
            {
                Line(F($"  {p.Department,-4} {p.Item} {p.Rate,6:0.#} {p.Accepted,8} {p.Final,5} | {Ms(p.IntakeLatency.P50),13} | {Ms(p.ReceivedLatency.P50),12} ({Ratio(p.ReceivedLatency.P50, oneClient),7}) {Ms(p.ReceivedLatency.P95),5} {Ms(p.ReceivedLatency.P99),5} | {Ms(p.FinalLatency.P50),9} ({Ratio(p.FinalLatency.P50, oneClient),7}) {Ms(p.FinalLatency.P95),5} {Ms(p.FinalLatency.P99),5} | {Ms(p.ToldLatency.P50),8} {Ms(p.ToldLatency.P99),6}"));
            }

            Line("  (final: the hub's time of the final status; told: its webhook's arrival at the platform; both against the platform's send time)");
            Line();
        }

        if (r.Drain is { } d)
        {
            var floorRate = floors?.AzuriteAt(target)?.Result.Rate;
            Line(F($"(d) drain of {d.Accepted:N0} queued GA-001 applications, {r.Options.DrainFaults:P0} of 公安's answers 503 {(r.Options.RetryAfter is { } ra ? $"with Retry-After {ra.TotalSeconds:0} s" : "without Retry-After")}; ratios to the Azurite floor at {target} clients ({floorRate:N0}/s)"));
            Line(F($"  fill (intake, 50 clients)  {d.Fill.Result.Rate,8:N1}/s ({Ratio(d.Fill.Result.Rate, floorRate)}), p99 {Ms(d.Fill.Result.Latency.P99)} ms, timeouts {d.Fill.Result.Timeouts}"));
            Line(F($"  queued at Azurite          {string.Join(", ", d.QueuedMessages.Select(q => $"{q.Key} {q.Value:N0}"))}"));
            Line(F($"  drain                      {d.Rate,8:N1}/s ({Ratio(d.Rate, floorRate)}) over {d.Seconds:0} s; steady (10th–90th percentile) {d.SteadyRate:N1}/s ({Ratio(d.SteadyRate, floorRate)})"));
            if (d.Floor is { } df)
            {
                Line(F($"  drain floor (raw SDK, the same backlog of {df.Queued:N0}) {df.Rate:N1}/s over {df.Seconds:0} s: the drain is {Ratio(d.Rate, df.Rate)} of it, steady {Ratio(d.SteadyRate, df.Rate)}"));
            }

            Line(F($"  final {d.Final:N0}, lost {(d.Lost is { } lost ? lost.ToString(CultureInfo.InvariantCulture) : "not judged")}, unfinished at the deadline {d.Unfinished}{(d.LostExamples.Count > 0 ? $" ({string.Join("; ", d.LostExamples)})" : "")}, final but the platform not told {d.FinalButNotTold}, duplicate department cases {d.DuplicateCases}, repeated final events {d.RepeatedFinalEvents}"));
            Line(F($"  公安 calls {d.DepartmentCalls:N0} ({(d.Accepted > 0 ? d.DepartmentCalls / (double)d.Accepted : 0):0.00} per application); injected: {string.Join(", ", d.Faults.Select(f => $"{f.Key} {f.Value}"))}"));
            Line(F($"  per application: {PerApplication(d.Usage, d.Final)}; cores: {Spread(d.Usage)}; peak RSS {Peaks(d.Usage)}"));
            Line();
        }

        Line("(e) cost per application, counted inside the hub (storage calls: every HTTP request the hub sends to Azurite, by the .NET HTTP client's own metric)");
        var unit = FloorCost.Of(floors, target);
        Line(F($"  the floors' cost per operation at {target} clients: {FloorCost.Calls} storage calls (a transaction + a queue message), {Ms(unit?.AzuriteCpuMs)} ms Azurite CPU; {Ms(unit?.KestrelCpuMs, "0.000")} ms CPU per Kestrel-floor request"));
        if (r.Intake?.FirstOrDefault(s => s.Result.Clients == target) is { } atTarget)
        {
            Line(F($"  intake at {target} clients        {PerApplication(atTarget.Usage, atTarget.Result.Ok)}; peak RSS {Peaks(atTarget.Usage)}"));
            Line(F($"    × floor: {FloorCost.Ratios(unit, atTarget.Usage, atTarget.Result.Ok, atTarget.Usage?.StorageCalls is { } c && atTarget.Result.Ok > 0 ? c / (double)atTarget.Result.Ok : null)}"));
        }

        foreach (var p in r.Pipeline ?? [])
        {
            Line(F($"  whole application {p.Item}     {p.NetStorageCallsPerApplication:0.0} table and queue calls + {p.BlobCallsPerApplication:0.0} blob calls for its materials (gross {p.GrossStorageCallsPerApplication:0.0}, idle polling {p.IdleStorageCallsPerSecond:0.0}/s taken off), {(p.Accepted > 0 ? p.DepartmentCalls / (double)p.Accepted : 0):0.00} department calls, {PerApplication(p.Usage, p.Accepted, calls: false)}; peak RSS {Peaks(p.Usage)}"));
            Line(F($"    × floor: {FloorCost.Ratios(unit, p.Usage, p.Accepted, p.NetStorageCallsPerApplication)}"));
        }

        Line();
        if (r.Portal is { } portal)
        {
            Line(F($"(f) portal over about {portal.Stored:N0} applications; seed: {portal.Seed}"));
            if (portal.CityScaleSkipped is not null)
            {
                Line($"  {portal.SkippedLine}");
            }

            foreach (var q in portal.Queries)
            {
                Line(F($"  {q.Name,-26} p50 {Ms(q.Latency.P50),8} ms, p95 {Ms(q.Latency.P95),8} ms ({Ratio(q.Latency.P95, q.TargetMs)} of the {q.TargetMs:0} ms target), max {Ms(q.Latency.Max)} ms{(q.Wrong > 0 ? $"; {q.Wrong} wrong answers ({q.WrongExample})" : "")}"));
            }

            Line();
        }

        Line("Targets (issue 9; ratios in this one run, never asserted in tests)");
        foreach (var t in Targets(r))
        {
            Line(F($"  {t.Verdict,-12} {t.What}: {t.Figure}"));
        }

        Line();
        Line("Is the load generator the bottleneck?");
        foreach (var check in GeneratorChecks(r))
        {
            Line($"  {check}");
        }

        Line();
        Line(F($"The machine's other load: {Others(r)}. Wall time {r.WallSeconds / 60:0.0} min."));
        return o.ToString();
    }

    public static IReadOnlyList<Target> Targets(BenchResults r)
    {
        var targets = new List<Target>();
        var clients = r.Options.TargetClients;
        var floor = r.Floors?.AzuriteAt(clients)?.Result;
        var intake = r.Intake?.FirstOrDefault(s => s.Result.Clients == clients)?.Result;
        targets.Add(intake is null || floor is null
            ? new Target($"intake ≥ 0.8× the Azurite floor at {clients} clients", "—", null)
            : new Target($"intake ≥ 0.8× the Azurite floor at {clients} clients", F($"{intake.Rate:N1}/s vs {floor.Rate:N1}/s = {Ratio(intake.Rate, floor.Rate)}"), intake.Rate >= 0.8 * floor.Rate));
        targets.Add(intake is null || floor is null
            ? new Target($"intake p99 ≤ 2× the floor's p99 at {clients} clients", "—", null)
            : new Target($"intake p99 ≤ 2× the floor's p99 at {clients} clients", F($"{intake.Latency.P99:0.0} ms vs {floor.Latency.P99:0.0} ms = {Ratio(intake.Latency.P99, floor.Latency.P99)}"), intake.Latency.P99 <= 2 * floor.Latency.P99));
        targets.Add(new Target($"no intake timeouts at {clients} clients", intake is null ? "—" : F($"{intake.Timeouts} over {r.Options.Timeout.TotalSeconds:0.#} s, {intake.NoAnswer} unanswered"), intake is null ? null : intake.Timeouts == 0));
        if (r.Drain is { Floor: { } df } withFloor)
        {
            // Azurite's queue calls slow down with the messages a queue holds, so a drain is judged against raw calls
            // draining the same backlog; the ratio to the empty-queue floor is printed beside it.
            targets.Add(new Target("drain with 503s ≥ 1/5 of the drain floor (the same backlog)",
                F($"{withFloor.Rate:N1}/s against a fifth of the drain floor's {df.Rate:N1}/s: {Ratio(withFloor.Rate, df.Rate)} of the drain floor ({Ratio(withFloor.Rate, floor?.Rate)} of the empty-queue floor)"), withFloor.Rate >= df.Rate / 5));
        }
        else if (r.Drain is { } d0)
        {
            targets.Add(floor is null
                ? new Target("drain with 503s ≥ 1/5 of the floor's rate", F($"{d0.Rate:N1}/s"), null)
                : new Target("drain with 503s ≥ 1/5 of the floor's rate", F($"{d0.Rate:N1}/s vs {floor.Rate / 5:N1}/s = {Ratio(d0.Rate, floor.Rate)} of the floor"), d0.Rate >= floor.Rate / 5));
        }

        if (r.Drain is { } d)
        {
            targets.Add(d.Lost is { } lost
                ? new Target("drain: 0 lost", F($"{lost} lost of {d.Accepted:N0}"), lost == 0)
                : new Target("drain: 0 lost", F($"{d.Unfinished} of {d.Accepted:N0} still unfinished at the deadline"), null));
            targets.Add(new Target("drain: 0 duplicate department cases", F($"{d.DuplicateCases}"), d.DuplicateCases == 0));
        }
        else
        {
            targets.Add(new Target("drain with 503s ≥ 1/5 of the floor's rate, 0 lost, 0 duplicate department cases", "—", null));
        }

        var atTarget = r.Intake?.FirstOrDefault(s => s.Result.Clients == clients);
        var intakeCalls = atTarget?.Usage?.StorageCalls is not { } made || atTarget.Result.Ok == 0 ? (double?)null : made / (double)atTarget.Result.Ok;
        targets.Add(new Target("storage calls per intake ≤ 3", intakeCalls is { } ic ? F($"{ic:0.0}") : "—", intakeCalls is null ? null : intakeCalls <= 3));
        foreach (var p in r.Pipeline ?? [])
        {
            var calls = p.NetStorageCallsPerApplication;
            var blobs = p.BlobCallsPerApplication is > 0 and var b ? F($" (+ {b:0.0} blob calls for its materials, counted apart)") : "";
            targets.Add(new Target($"storage calls per asynchronous application ≤ 15 ({p.Item})", double.IsNaN(calls) ? "—" : F($"{calls:0.0}{blobs}"), double.IsNaN(calls) ? null : calls <= 15));
        }

        foreach (var q in r.Portal?.Queries ?? [])
        {
            var skipped = r.Portal!.CityScaleSkipped;
            var figure = F($"p95 {q.Latency.P95:0.0} ms over {r.Portal.Stored:N0} stored{(q.Wrong > 0 ? $", {q.Wrong} wrong answers" : "")}");
            targets.Add(new Target($"{q.Name} ≤ {q.TargetMs:0} ms (p95) with {PortalResults.CityScale:N0} stored",
                skipped is null ? figure : F($"seeded timing skipped ({skipped}); {figure} is a smoke reading"),
                skipped is null ? q.Latency.P95 <= q.TargetMs && q.Wrong == 0 : null));
        }

        return targets;
    }

    /// <summary>A Markdown summary for the README's Performance section.</summary>
    public static string Markdown(BenchResults r)
    {
        var o = new StringBuilder();
        var floors = r.Floors;
        o.AppendLine(F($"Run {r.RunId} on commit `{r.Commit}`, {r.Cores} cores shared with other work ({Others(r)}); `./hub bench{(r.Options.Quick ? " --quick" : "")}`."));
        o.AppendLine();
        if (floors is not null && r.Intake is { } intake)
        {
            o.AppendLine("| clients | Kestrel floor /s | Azurite floor /s (p50 / p99 ms) | hub intake /s (× Azurite floor) | intake p50 / p95 / p99 ms (p99 × floor) | timeouts | storage calls per intake |");
            o.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (var s in intake)
            {
                var a = floors.AzuriteAt(s.Result.Clients)?.Result;
                var k = floors.KestrelAt(s.Result.Clients);
                var calls = s.Usage?.StorageCalls is not { } made || s.Result.Ok == 0 ? "—" : F($"{made / (double)s.Result.Ok:0.0}");
                o.AppendLine(F($"| {s.Result.Clients} | {Rate(k)} | {a?.Rate:N0} ({Ms(a?.Latency.P50)} / {Ms(a?.Latency.P99)}) | {s.Result.Rate:N1} ({Ratio(s.Result.Rate, a?.Rate)}) | {Ms(s.Result.Latency.P50)} / {Ms(s.Result.Latency.P95)} / {Ms(s.Result.Latency.P99)} ({Ratio(s.Result.Latency.P99, a?.Latency.P99)}) | {s.Result.Timeouts} | {calls} |"));
            }

            o.AppendLine();
        }

        if (r.Pipeline is { } pipeline)
        {
            o.AppendLine("| item | rate | received p50 / p99 | final p50 / p99 | platform told p50 / p99 | table and queue calls (+ blob) per application | hub CPU per application |");
            o.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (var p in pipeline)
            {
                var cpu = p.Usage is null || p.Accepted == 0 ? "—" : F($"{p.Usage.Cpu(UsageWatch.Hub) * 1000 / p.Accepted:0.0} ms");
                o.AppendLine(F($"| {p.Item} ({p.Department}) | {p.Rate:0.#}/s | {Ms(p.ReceivedLatency.P50)} / {Ms(p.ReceivedLatency.P99)} ms | {Ms(p.FinalLatency.P50)} / {Ms(p.FinalLatency.P99)} ms | {Ms(p.ToldLatency.P50)} / {Ms(p.ToldLatency.P99)} ms | {p.NetStorageCallsPerApplication:0.0}{(p.BlobCallsPerApplication > 0 ? F($" (+ {p.BlobCallsPerApplication:0.0})") : "")} | {cpu} |"));
            }

            o.AppendLine();
        }

        if (r.Drain is { } d)
        {
            var floorRate = floors?.AzuriteAt(r.Options.TargetClients)?.Result.Rate;
            var drainFloor = d.Floor is { } df ? F($", {Ratio(d.Rate, df.Rate)} of the drain floor ({df.Rate:N1}/s: raw SDK calls draining the same backlog)") : "";
            o.AppendLine(F($"Drain of {d.Accepted:N0} queued GA-001 applications with {r.Options.DrainFaults:P0} of 公安's answers 503 ({(r.Options.RetryAfter is null ? "no Retry-After" : "with Retry-After")}): **{d.Rate:N1}/s** ({Ratio(d.Rate, floorRate)} of the empty-queue Azurite floor{drainFloor}), lost {(d.Lost is { } lost ? lost.ToString(CultureInfo.InvariantCulture) : $"not judged ({d.Unfinished} unfinished at the deadline)")}, duplicate department cases {d.DuplicateCases}."));
            o.AppendLine();
        }

        if (r.Portal is { } portal)
        {
            if (portal.CityScaleSkipped is not null)
            {
                o.AppendLine(F($"**{portal.SkippedLine}**"));
                o.AppendLine();
            }

            o.AppendLine(F($"Portal over about {portal.Stored:N0} applications ({portal.Seed}): ") + string.Join("; ", portal.Queries.Select(q => F($"{q.Name} p95 {Ms(q.Latency.P95)} ms"))) + ".");
            o.AppendLine();
        }

        o.AppendLine("| target | figure | verdict |");
        o.AppendLine("| --- | --- | --- |");
        foreach (var t in Targets(r))
        {
            o.AppendLine(F($"| {t.What} | {t.Figure} | {t.Verdict} |"));
        }

        return o.ToString();
    }

    public static string ToJson(BenchResults r) => JsonSerializer.Serialize(r, Json);

    /// <summary>A run's results.json read back, so its report and charts can be written again (<c>--report DIR</c>).</summary>
    public static BenchResults? FromJson(string json) => JsonSerializer.Deserialize<BenchResults>(json, Json);

    private static IEnumerable<string> GeneratorChecks(BenchResults r)
    {
        var floors = r.Floors;
        var target = r.Options.TargetClients;
        if (floors?.KestrelAt(target) is { } k && r.Intake?.FirstOrDefault(s => s.Result.Clients == target) is { } i)
        {
            yield return F($"at {target} clients the same generator drove the Kestrel floor at {k.Result.Rate:N0}/s, {Ratio(k.Result.Rate, i.Result.Rate)} the hub's intake rate, using {Cores(k, UsageWatch.Bench)} cores");
            yield return F($"during hub intake at {target} clients the bench process (generator + departments + webhook receiver) used {Cores(i, UsageWatch.Bench)} cores, the hub {Cores(i, UsageWatch.Hub)}, Azurite {Cores(i, UsageWatch.Azurite)}");
        }

        foreach (var w in floors?.Wrk ?? [])
        {
            yield return F($"wrk ({w.Clients} clients) on the same floor: {w.Rate:N0}/s; the bench's generator reached {Ratio(floors!.KestrelAt(w.Clients)?.Result.Rate, w.Rate)} of that");
        }

        if (floors is { Wrk.Count: 0 })
        {
            yield return "wrk not run: only the generator's own CPU share and its Kestrel-floor rate speak for it";
        }
    }

    private static string Others(BenchResults r)
    {
        var usages = (r.Floors?.Kestrel ?? []).Concat(r.Floors?.Azurite ?? []).Concat(r.Intake ?? []).Select(s => s.Usage)
            .Append(r.Drain?.Usage).Concat((r.Pipeline ?? []).Select(p => p.Usage)).OfType<Usage>().ToList();
        if (usages.Count == 0)
        {
            return "not measured";
        }

        var seconds = usages.Sum(u => u.Seconds);
        var others = usages.Sum(u => u.OthersCpuSeconds);
        var peak = usages.Max(u => u.OthersCpuSeconds / u.Seconds);
        return F($"on average {others / seconds:0.00} of {r.Cores} cores busy with processes the bench did not start (up to {peak:0.00} in one step)");
    }

    private static string PerApplication(Usage? usage, int applications, bool calls = true)
    {
        if (usage is null || applications == 0)
        {
            return "—";
        }

        var storage = !calls ? "" : usage.StorageCalls is { } made ? F($"{made / (double)applications,5:0.0} storage calls, ") : "storage calls unknown, ";
        var allocated = usage.HubAllocatedBytes is { } bytes ? F($"{bytes / 1024.0 / applications,6:N0} KB allocated") : "allocations unknown";
        return storage + F($"{usage.Cpu(UsageWatch.Hub) * 1000 / applications,5:0.0} ms hub CPU, {usage.Cpu(UsageWatch.Azurite) * 1000 / applications,5:0.0} ms Azurite CPU, {allocated}");
    }

    private static string Spread(Usage? u) => u is null
        ? "—"
        : F($"{u.Cpu(UsageWatch.Hub) / u.Seconds:0.00} {u.Cpu(UsageWatch.Azurite) / u.Seconds:0.00} {u.Cpu(UsageWatch.Bench) / u.Seconds:0.00} {u.OthersCpuSeconds / u.Seconds:0.00}");

    private static string Peaks(Usage? u) => u is null
        ? "—"
        : string.Join(", ", u.PeakRssBytes.Where(p => p.Key is UsageWatch.Hub or UsageWatch.Azurite).Select(p => F($"{p.Key} {p.Value / 1048576.0:N0} MB")));

    private static string Cores(Step? step, string process) => step?.Usage is { } u ? F($"{u.Cpu(process) / u.Seconds:0.00}") : "—";

    private static string Rate(Step? step) => step is null ? "—" : F($"{step.Result.Rate:N0}");

    private static string Ms(double? ms, string format = "0.0") =>
        ms is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    internal static string Ratio(double? value, double? floor) =>
        value is { } v && floor is { } f && f > 0 && !double.IsNaN(v) && !double.IsNaN(f) ? F($"{v / f:0.00}×") : "—";

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// What one floor operation costs, so a cost per application has a floor to be compared with: a raw-Azurite operation is
/// two storage calls and the Azurite CPU they took; a Kestrel-floor request is the CPU of a bare HTTP answer.
/// </summary>
internal sealed record FloorCost(double AzuriteCpuMs, double KestrelCpuMs)
{
    /// <summary>Storage calls per floor operation: one entity-group transaction and one queue message.</summary>
    public const int Calls = 2;

    public static FloorCost? Of(FloorResults? floors, int clients) =>
        floors?.AzuriteAt(clients) is { Usage: { } a, Result.Ok: > 0 } azurite && floors.KestrelAt(clients) is { Usage: { } k, Result.Ok: > 0 } kestrel
            ? new FloorCost(a.Cpu(UsageWatch.Azurite) * 1000 / azurite.Result.Ok, k.Cpu(UsageWatch.Floor) * 1000 / kestrel.Result.Ok)
            : null;

    /// <summary>Storage calls and Azurite CPU against the Azurite floor's operation; hub CPU against a Kestrel-floor request.</summary>
    public static string Ratios(FloorCost? unit, Usage? usage, int applications, double? storageCalls)
    {
        if (unit is null || usage is null || applications == 0)
        {
            return "—";
        }

        var azurite = usage.Cpu(UsageWatch.Azurite) * 1000 / applications;
        var hub = usage.Cpu(UsageWatch.Hub) * 1000 / applications;
        return $"storage calls {BenchReport.Ratio(storageCalls, Calls)}, Azurite CPU {BenchReport.Ratio(azurite, unit.AzuriteCpuMs)} the Azurite floor's operation; hub CPU {BenchReport.Ratio(hub, unit.KestrelCpuMs)} a Kestrel-floor request";
    }
}
