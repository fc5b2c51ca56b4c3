using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace IntegrationHub.Benchmarks;

/// <summary>
/// Runs the hot-path benchmarks and prints each figure beside its target from issue 9: validation ≤ 50 µs and ≤ 16 KB
/// per body, each translator ≤ 10 µs and ≤ 4 KB per message. <c>--quick</c> runs in process with few iterations (for the
/// load command and for iterating); without it every benchmark runs in its own process with more iterations.
/// <c>--cpu-time</c> times each iteration by the CPU time of the thread that runs it (<see cref="ThreadCpuClock"/>, in
/// process), so a figure does not grow with the other work on a shared machine. <c>--json FILE</c> also writes the table
/// as JSON for another program to read.
/// </summary>
internal static class HotPaths
{
    private const double ValidationNs = 50_000, TranslationNs = 10_000;
    private const long ValidationBytes = 16 * 1024, TranslationBytes = 4 * 1024;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly string[] Kinds = [nameof(ValidationBenchmarks), nameof(FingerprintBenchmarks), nameof(RequestBenchmarks), nameof(AnswerBenchmarks)];

    /// <summary>
    /// One figure: time (mean and median) and allocation per operation, its targets (null: no target), and whether it meets
    /// them. Time is judged by the median: on a machine shared with other work the mean carries their bursts.
    /// </summary>
    internal sealed record Figure(string Name, double MeanNs, double MedianNs, long AllocatedBytes, double? TargetNs, long? TargetBytes)
    {
        internal int Order { get; init; }

        public bool? Pass => TargetNs is null ? null : MedianNs <= TargetNs && AllocatedBytes <= TargetBytes;
    }

    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var cpuTime = args.Contains("--cpu-time");
        var jsonAt = Array.IndexOf(args, "--json");
        var json = jsonAt >= 0 && jsonAt + 1 < args.Length ? args[jsonAt + 1] : null;
        var rest = args.Where((a, i) => a is not ("--quick" or "--cpu-time") && (jsonAt < 0 || (i != jsonAt && i != jsonAt + 1))).ToList();
        if (!rest.Contains("--filter"))
        {
            rest.AddRange(["--filter", "*"]);
        }

        var loadBefore = LoadAverage();
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(HotPaths).Assembly).Run([.. rest], Config(quick, cpuTime)).ToList();
        var figures = summaries.SelectMany(s => s.Reports).Select(Read).OfType<Figure>().OrderBy(f => f.Order).ToList();
        if (figures.Count == 0)
        {
            Console.Error.WriteLine("No benchmark produced a figure.");
            return 1;
        }

        Console.WriteLine();
        var load = $"load average (1 min) {loadBefore} before, {LoadAverage()} after, on {Environment.ProcessorCount} cores";
        Console.WriteLine(Table(figures, $"{(quick ? "quick run: in process, few iterations" : "careful run")}, {(cpuTime ? "the thread's CPU time" : "wall-clock time")}", load));
        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(figures.Select(f => new
            {
                f.Name, f.MeanNs, f.MedianNs, f.AllocatedBytes, f.TargetNs, f.TargetBytes, f.Pass,
            }), Indented));
        }

        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }

    private static ManualConfig Config(bool quick, bool cpuTime)
    {
        var job = quick
            ? Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(6).WithIterationCount(5)
                .WithIterationTime(TimeInterval.FromMilliseconds(100)).WithId("quick")
            : Job.Default.WithWarmupCount(5).WithIterationCount(15).WithIterationTime(TimeInterval.FromMilliseconds(250)).WithId("careful");
        if (cpuTime)
        {
            // In process: the clock must be read by the thread that runs the workload, in this process.
            job = job.WithToolchain(InProcessEmitToolchain.Instance).WithClock(ThreadCpuClock.Instance).WithId(job.Id + "-cpu");
        }

        return ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)

            // The careful run builds a project of its own; on a 2-core machine shared with other builds that takes minutes.
            .WithBuildTimeout(TimeSpan.FromMinutes(15))
            .WithOptions(ConfigOptions.JoinSummary);
    }

    private static Figure? Read(BenchmarkReport report)
    {
        if (report.ResultStatistics is not { } statistics)
        {
            return null;
        }

        var benchmark = report.BenchmarkCase;
        var method = benchmark.Descriptor.WorkloadMethod.Name;
        var item = benchmark.Parameters.Items.FirstOrDefault(p => p.Name == "Item")?.Value as string;
        var name = item is null ? method : $"{method} {item}";
        var bytes = report.GcStats.GetBytesAllocatedPerOperation(benchmark) ?? 0;
        // In the table: validation, fingerprints, requests, answers; items in catalog order.
        var order = (Array.IndexOf(Kinds, benchmark.Descriptor.Type.Name) * 100) + (item is null ? 0 : Array.IndexOf(Samples.Items, item));
        return benchmark.Descriptor.Type.Name switch
        {
            nameof(ValidationBenchmarks) => new Figure(name, statistics.Mean, statistics.Median, bytes, ValidationNs, ValidationBytes) { Order = order },
            nameof(RequestBenchmarks) or nameof(AnswerBenchmarks) =>
                new Figure(name, statistics.Mean, statistics.Median, bytes, TranslationNs, TranslationBytes) { Order = order },
            _ => new Figure(name, statistics.Mean, statistics.Median, bytes, null, null) { Order = order },
        };
    }

    internal static string Table(IReadOnlyList<Figure> figures, string run, string load)
    {
        var lines = new List<string>
        {
            $"Hot paths, per message ({run}; one run on this machine, noisy when it is shared)",
            load,
            $"targets (issue 9): validation ≤ {Micro(ValidationNs)} and ≤ {Size(ValidationBytes)} per body, each translator ≤ {Micro(TranslationNs)} and ≤ {Size(TranslationBytes)} per message",
            "time is judged by the median (the mean is shown beside it); ×target is the figure divided by its target",
            $"{"benchmark",-20} {"median",10} {"×target",8} {"mean",10} {"allocated",10} {"×target",8}  result",
        };
        lines.AddRange(figures.Select(f => string.Create(CultureInfo.InvariantCulture,
            $"{f.Name,-20} {Micro(f.MedianNs),10} {Ratio(f.MedianNs, f.TargetNs),8} {Micro(f.MeanNs),10} {Size(f.AllocatedBytes),10} {Ratio(f.AllocatedBytes, f.TargetBytes),8}  {f.Pass switch { true => "pass", false => "FAIL", null => "(no target)" }}")));
        var targeted = figures.Where(f => f.Pass is not null).ToList();
        lines.Add($"{targeted.Count(f => f.Pass == true)} of {targeted.Count} within target");
        return string.Join(Environment.NewLine, lines);
    }

    // Time figures mean little without the load beside them: another process's burst lengthens every iteration it meets.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static string Ratio(double figure, double? target) =>
        target is { } t ? string.Create(CultureInfo.InvariantCulture, $"{figure / t:0.00}") : "—";

    private static string Micro(double ns) => string.Create(CultureInfo.InvariantCulture, $"{ns / 1000:0.00} µs");

    private static string Size(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB");
}
