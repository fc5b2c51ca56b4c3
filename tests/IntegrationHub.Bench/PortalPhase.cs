using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using IntegrationHub.Soak;

namespace IntegrationHub.Bench;

/// <summary>One portal query's latencies and whether every answer was right (200, and the application found).</summary>
internal sealed record PortalQuery(string Name, double TargetMs, Percentiles Latency, int Wrong, string? WrongExample);

/// <summary>(f) the seed, and the portal's dashboard and searches over everything stored.</summary>
/// <param name="Seed">What the seed step did, or why it did not run.</param>
/// <param name="Seeded">Applications the seed command stored (0 when it did not run or failed).</param>
/// <param name="Stored">Everything stored when the portal was asked: the seeded and the run's own applications.</param>
/// <param name="Queries">The dashboard and the searches, each asked one at a time.</param>
internal sealed record PortalResults(string Seed, long Seeded, long Stored, IReadOnlyList<PortalQuery> Queries)
{
    /// <summary>The store size the issue's portal targets name.</summary>
    public const long CityScale = 1_000_000;

    /// <summary>Why the timing at city scale was not taken, or null when it was (the queries then ran over the seed).</summary>
    public string? CityScaleSkipped => Seeded >= CityScale ? null : Seed;

    /// <summary>One line for the console and the report: said loudly, so a small-store reading is never taken for the real one.</summary>
    public string SkippedLine => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"SEEDED PORTAL TIMING SKIPPED ({CityScale:N0} applications): {CityScaleSkipped}. The queries below ran over the run's own {Stored:N0} applications only: a smoke reading, not the issue's measurement.");
}

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
        var seed = options.Quick ? "not asked (--quick seeds nothing)" : "not asked (--seed 0)";
        var seeded = 0L;
        if (options.Seed > 0)
        {
            (seed, seeded) = await SeedAsync(stack, options, cancellationToken);
        }

        var stored = storedByBench + seeded;
        var results = new PortalResults(seed, seeded, stored, []);
        Console.WriteLine(results.CityScaleSkipped is null ? $"  seed: {seed}; about {stored:N0} applications stored" : $"  {results.SkippedLine}");
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

        return results with { Queries = queries };
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
    /// the hub script has that verb, with the hub's own storage and key settings in its environment (the same variables
    /// the hub gets, e.g. <c>Storage__ConnectionString</c>), against this run's Azurite while the hub is stopped (then
    /// started again). Without one, the seeded timing is skipped and the report says so and why; the queries then run
    /// over what the run itself stored, as a smoke reading only.
    /// </summary>
    private static async Task<(string Description, long Seeded)> SeedAsync(BenchStack stack, BenchOptions options, CancellationToken cancellationToken)
    {
        var root = HubStack.RepoRoot();
        var hubScript = Path.Combine(root, "hub");
        (string File, string[] Arguments)? command = options.SeedCommand is { } given
            ? ("bash", ["-c", $"{given} \"$0\"", options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            : File.Exists(hubScript) && HasSeedVerb(await File.ReadAllTextAsync(hubScript, cancellationToken))
                ? (hubScript, ["seed", options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)])
                : null;
        if (command is not { } run)
        {
            return ("no seeding entry point: the hub script has no `seed` verb and no --seed-command was given (issue 9 point 4, the store's seeder, is not on this branch)", 0);
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
        await stack.StartHubAsync(HubMode.HandingOff, cancellationToken);
        return process.ExitCode == 0
            ? ($"{options.Seed:N0} applications seeded in {took.TotalSeconds:0} s", options.Seed)
            : ($"the seed command failed (exit {process.ExitCode}, see {log})", 0);
    }

    /// <summary>Whether the hub script's verb dispatch has a <c>seed)</c> case (a line starting with it, spaces aside).</summary>
    public static bool HasSeedVerb(string hubScript) =>
        System.Text.RegularExpressions.Regex.IsMatch(hubScript, @"^\s*seed\)", System.Text.RegularExpressions.RegexOptions.Multiline);
}
