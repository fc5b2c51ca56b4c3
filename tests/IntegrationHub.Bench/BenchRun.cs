using System.Diagnostics;
using System.Globalization;
using IntegrationHub.Soak;

namespace IntegrationHub.Bench;

/// <summary>
/// One bench run: stack A (floors, then intake with the dispatcher idle), stack B (fill, then drain), stack C (the
/// pipeline one department at a time, then the seed and the portal), each on its own Azurite; then the report and charts.
/// Every process it starts is stopped by its PID when its stack is disposed, also on Ctrl-C.
/// </summary>
internal static class BenchRun
{
    public static async Task<BenchResults?> RunAsync(BenchOptions options, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var runId = TimeProvider.System.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var root = HubStack.RepoRoot();
        var runDirectory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"hub-bench-{runId}")).FullName;
        var resultsDirectory = Directory.CreateDirectory(options.Results ?? Path.Combine(root, "artifacts", "bench", runId)).FullName;
        var results = new BenchResults(options, runId, await CommitAsync(root));
        var source = new ApplicationSource($"bench-{runId}", seed: 9);
        PrintStart(options, runDirectory, resultsDirectory, results.Commit);
        var finished = false;
        try
        {
            await using (var a = await BenchStack.StartAsync("a", runDirectory, options, stop))
            {
                Console.WriteLine($"(a) floors: {string.Join(", ", options.Clients)} clients, {options.Warmup.TotalSeconds:0} s warm-up + {options.Duration.TotalSeconds:0} s each");
                results.Floors = await FloorPhase.RunAsync(a, options, source.Next(IntakePhase.Item, materials: null), stop);
                var took = await a.StartHubAsync(HubMode.IntakeOnly, stop);
                Console.WriteLine($"(b) hub intake (hub up in {took.TotalSeconds:0.0} s, pid {a.Hub.HubPid}; its log {a.Hub.HubLog})");
                results.Intake = await IntakePhase.RunAsync(a, options, source, stop);
            }

            if (options.Drain > 0)
            {
                Console.WriteLine($"(d) drain: {options.Drain:N0} GA-001 applications queued with the dispatcher idle, then the hub restarted");
                DrainFloorResult? drainFloor = null;
                if (options.DrainFloorWindow > TimeSpan.Zero)
                {
                    await using var floor = await BenchStack.StartAsync("b-floor", runDirectory, options, stop);
                    drainFloor = await DrainPhase.FloorAsync(floor, options, stop);
                }

                await using var b = await BenchStack.StartAsync("b", runDirectory, options, stop);
                results.Drain = await DrainPhase.RunAsync(b, options, source, drainFloor, stop);
            }

            // A fresh store: a drain cut off at its deadline leaves a backlog that would be measured as pipeline latency.
            await using (var c = await BenchStack.StartAsync("c", runDirectory, options, stop))
            {
                Console.WriteLine($"(c) pipeline: {options.PipelinePerDepartment} applications per department at up to {options.PipelineRate:0.#}/s (房管 and 人社 at most 80 % of their pace)");
                results.Pipeline = await PipelinePhase.RunAsync(c, options, source, stop);

                Console.WriteLine("(f) portal");
                if (results.Pipeline.FirstOrDefault(p => p.Item == IntakePhase.Item) is { Known: { } known, KnownId: { } knownId })
                {
                    results.Portal = await PortalPhase.RunAsync(c, options, results.Pipeline.Sum(p => p.Accepted), known, knownId, stop);
                }
                else
                {
                    Console.WriteLine("  skipped: no GA-001 application of the pipeline phase became final to search for");
                }
            }

            results.WallSeconds = clock.Elapsed.TotalSeconds;
            finished = true;
            await WriteAsync(results, resultsDirectory);
            return results;
        }
        catch (Exception e) when ((e is OperationCanceledException && stop.IsCancellationRequested) || results.Floors is not null)
        {
            Console.WriteLine(stop.IsCancellationRequested
                ? "bench interrupted: every process it started has been stopped"
                : $"bench stopped by an error (every process it started has been stopped): {e}");
            if (results.Floors is not null)
            {
                // What was measured before the interruption is still worth its report, marked as such.
                results.WallSeconds = clock.Elapsed.TotalSeconds;
                results.Interrupted = true;
                await WriteAsync(results, resultsDirectory);
            }

            return null;
        }
        finally
        {
            if (finished && !options.Keep)
            {
                Directory.Delete(runDirectory, recursive: true);
            }
            else
            {
                Console.WriteLine($"run folder kept (logs, Azurite data): {runDirectory}");
            }
        }
    }

    /// <summary>Prints the report and writes report.txt, summary.md, results.json and the charts to <paramref name="directory"/>.</summary>
    public static async Task WriteAsync(BenchResults results, string directory)
    {
        var text = BenchReport.Text(results);
        Console.WriteLine();
        Console.WriteLine(text);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.txt"), text);
        await File.WriteAllTextAsync(Path.Combine(directory, "summary.md"), BenchReport.Markdown(results));
        await File.WriteAllTextAsync(Path.Combine(directory, "results.json"), BenchReport.ToJson(results));
        var charts = BenchCharts.Write(results, directory);
        Console.WriteLine($"results: {directory} (report.txt, summary.md, results.json, {string.Join(", ", charts.Select(Path.GetFileName))})");
    }

    private static async Task<string> CommitAsync(string root)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", root, "describe", "--always", "--dirty"]) { RedirectStandardOutput = true, UseShellExecute = false });
            if (git is null)
            {
                return "unknown";
            }

            var commit = (await git.StandardOutput.ReadToEndAsync()).Trim();
            await git.WaitForExitAsync();
            return commit.Length > 0 ? commit : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    private static void PrintStart(BenchOptions options, string runDirectory, string resultsDirectory, string commit)
    {
        Console.WriteLine($"bench on commit {commit}, {Environment.ProcessorCount} cores; run folder {runDirectory}; results {resultsDirectory}");
        Console.WriteLine("  departments: the strict sandboxes in the bench's process, immediate timing (公安/房管 decide 0.1 s apart, 人社 at once)");
        Console.WriteLine($"  Azurite: {(options.AzuriteOnDisk ? "on disk (--location)" : "in memory")}; hub logging at Warning");
        foreach (var mode in new[] { HubMode.IntakeOnly, HubMode.HandingOff })
        {
            Console.WriteLine($"  hub settings ({mode}): {string.Join(", ", BenchStack.Timing(mode).Concat(options.HubSettings).Select(s => $"{s.Key}={s.Value}"))}; everything else at its default");
        }
    }
}
