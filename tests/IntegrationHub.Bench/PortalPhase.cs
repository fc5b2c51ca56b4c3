using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using IntegrationHub.Soak;

namespace IntegrationHub.Bench;

/// <summary>One portal query's latencies and whether every answer was right (200, and the application found).</summary>
internal sealed record PortalQuery(string Name, double TargetMs, Percentiles Latency, int Wrong, string? WrongExample);

/// <summary>(f) the seed, and the portal's dashboard and searches over everything stored.</summary>
internal sealed record PortalResults(string Seed, long Stored, IReadOnlyList<PortalQuery> Queries);

/// <summary>
/// (f) With the seed command's applications stored (issue 9 point 4), the dashboard and a search by case number,
/// application id and ID number, each asked one at a time by a signed-in operator, for an application the bench itself
/// sent (so the answer must contain it). Without a seed command the queries still run, over what the run stored.
/// </summary>
internal static class PortalPhase
{
    public const double DashboardTargetMs = 200;
    public const double SearchTargetMs = 100;

    public static async Task<PortalResults> RunAsync(BenchStack stack, BenchOptions options, long storedByBench, SoakApplication known, string knownId,
        CancellationToken cancellationToken)
    {
        var seed = "not asked (--seed 0)";
        var stored = storedByBench;
        if (options.Seed > 0)
        {
            (seed, var seeded) = await SeedAsync(stack, options, cancellationToken);
            stored += seeded;
        }

        Console.WriteLine($"  seed: {seed}; about {stored:N0} applications stored");
        using var http = LoadHttp.Create(1, stack.Hub.Url);
        var portal = new PortalClient(http, stack.Hub.Url);
        await portal.SignInAsync(BenchStack.OperatorUser, stack.OperatorPassword, cancellationToken);
        var caseNumber = stack.Departments.PublicSecurity.CaseNumberFor(knownId);
        var queries = new List<PortalQuery>
        {
            await AskAsync("dashboard", DashboardTargetMs, options.Probes, () => portal.DashboardAsync(cancellationToken), Dashboard),
            await AskAsync("search by application id", SearchTargetMs, options.Probes, () => portal.SearchAsync("applicationId", knownId, cancellationToken), Found(knownId)),
        };
        if (caseNumber is not null)
        {
            queries.Add(await AskAsync("search by case number", SearchTargetMs, options.Probes, () => portal.SearchAsync("caseNumber", caseNumber, cancellationToken), Found(knownId)));
        }

        queries.Add(await AskAsync("search by ID number", SearchTargetMs, options.Probes, () => portal.SearchAsync("idNumber", known.IdNumber, cancellationToken), Found(knownId)));
        foreach (var q in queries)
        {
            Console.WriteLine($"  {q.Name,-26} p50 {q.Latency.P50,8:0.0} ms, p95 {q.Latency.P95,8:0.0}, max {q.Latency.Max,8:0.0} (target {q.TargetMs:0} ms){(q.Wrong > 0 ? $"; {q.Wrong} wrong answers, e.g. {q.WrongExample}" : "")}");
        }

        return new PortalResults(seed, stored, queries);
    }

    private static async Task<PortalQuery> AskAsync(string name, double target, int times, Func<Task<(HttpStatusCode Status, JsonNode? Body)>> ask,
        Func<JsonNode?, bool> right)
    {
        var latencies = new List<double>();
        var wrong = 0;
        string? example = null;
        for (var i = 0; i < times; i++)
        {
            var clock = Stopwatch.GetTimestamp();
            var (status, body) = await ask();
            latencies.Add(Stopwatch.GetElapsedTime(clock).TotalMilliseconds);
            if (status != HttpStatusCode.OK || !right(body))
            {
                wrong++;
                example ??= $"HTTP {(int)status}";
            }
        }

        return new PortalQuery(name, target, Percentiles.Of(latencies), wrong, example);
    }

    private static bool Dashboard(JsonNode? body) => body is JsonObject;

    private static Func<JsonNode?, bool> Found(string applicationId) => body =>
        body?.ToJsonString().Contains(applicationId, StringComparison.Ordinal) == true;

    /// <summary>
    /// HOOK (issue 9 point 4, the store helper's seeding command): runs <c>--seed-command</c>, or <c>./hub seed N</c> once
    /// the hub script has that verb, with the hub's own storage and key settings in its environment, against this run's
    /// Azurite while the hub is stopped (then started again). Until then the portal is measured over what the run itself
    /// stored, and says so.
    /// </summary>
    private static async Task<(string Description, long Seeded)> SeedAsync(BenchStack stack, BenchOptions options, CancellationToken cancellationToken)
    {
        var root = HubStack.RepoRoot();
        var hubScript = Path.Combine(root, "hub");
        (string File, string[] Arguments)? command = options.SeedCommand is { } given
            ? ("bash", ["-c", $"{given} \"$0\"", options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            : File.Exists(hubScript) && (await File.ReadAllTextAsync(hubScript, cancellationToken)).Contains("  seed)", StringComparison.Ordinal)
                ? (hubScript, ["seed", options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)])
                : null;
        if (command is not { } run)
        {
            return ("HOOK NOT CONNECTED: no seed command yet (issue 9 point 4: ./hub seed N, or pass --seed-command); measured over the run's own applications", 0);
        }

        await stack.StopHubAsync();

        // The seed writes what the hub reads: the same store and keys, but not the bench's probe.
        var environment = stack.Hub.Environment.Where(e => e.Key is not ("DOTNET_STARTUP_HOOKS" or HubProbe.SocketVariable))
            .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var log = Path.Combine(stack.RunDirectory, "seed.log");
        var clock = Stopwatch.GetTimestamp();
        await using var process = ChildProcess.Start("seed", run.File, run.Arguments, log, environment, root);
        Console.WriteLine($"  seeding {options.Seed:N0} applications: {run.File} {string.Join(' ', run.Arguments)} (pid {process.Pid}, log {log})");
        await process.WaitForExitAsync(cancellationToken);
        var took = Stopwatch.GetElapsedTime(clock);
        await stack.StartHubAsync(HubMode.Dispatching, cancellationToken);
        return process.ExitCode == 0
            ? ($"{options.Seed:N0} applications seeded in {took.TotalSeconds:0} s", options.Seed)
            : ($"the seed command failed (exit {process.ExitCode}, see {log}); measured over what is stored", 0);
    }
}
