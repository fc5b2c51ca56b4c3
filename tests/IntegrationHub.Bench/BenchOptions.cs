using System.Globalization;
using static IntegrationHub.Soak.SoakOptions;

namespace IntegrationHub.Bench;

/// <summary>What one bench run measures and for how long; every value has a default, <c>--quick</c> shrinks them.</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        usage: ./hub bench [options]
          --quick                 a short run (about 3 minutes): 4 s per step, a drain of 1,000, 30 applications per department, no seed
          --clients LIST          client counts for the floors and intake (default 1,10,50,200)
          --duration SECONDS      measured time per step (default 15; quick 4)
          --warmup SECONDS        unmeasured time before each step (default 3; quick 1)
          --drain N               applications queued, then drained (default 10000; quick 1000; 0 skips the drain)
          --faults RATE           share of 公安 calls answered 503 during the drain (default 0.10)
          --retry-after SECONDS   those 503s announce Retry-After (default: none, see the README)
          --drain-deadline SECONDS the drain's latest end; what is not final then is unfinished, not lost (default 360)
          --drain-floor SECONDS   how long raw SDK calls drain a backlog as large as the drain's (the drain floor; default 60; quick 20; 0 skips it)
          --pipeline N            applications per department for submission → received → final (default 100; quick 30)
          --pipeline-rate R       their submissions per second (default 10; 房管 and 人社 at most 80 % of the hub's pace for them over their calls per application)
          --seed N                applications the seed command stores before the portal is measured (default 1000000; quick 0)
          --seed-command CMD      the seeding command (default: ./hub seed, when the hub script has it)
          --probes N              requests per portal query (dashboard, three searches; default 20; quick 5)
          --timeout SECONDS       an intake answer slower than this counts as a timeout (default 2)
          --hub-setting KEY=VALUE a hub setting for every hub start (repeatable), e.g. Handoff:PollInterval=00:00:00.200
          --azurite-disk          Azurite keeps its data on disk (--location) as ./hub run does (default: in memory)
          --results DIR           where the report, results.json and the charts go (default artifacts/bench/<run>)
          --no-wrk                skip the wrk cross-check of the HTTP floor
          --keep                  keep the run folder (logs, Azurite data)
        ./hub bench --report DIR  writes an earlier run's report and charts again from DIR/results.json (no load)
        """;

    public IReadOnlyList<int> Clients { get; init; } = [1, 10, 50, 200];

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    public int Drain { get; init; } = 10_000;

    public double DrainFaults { get; init; } = 0.10;

    /// <summary>Null: the drain's 503s carry no Retry-After.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public int PipelinePerDepartment { get; init; } = 100;

    public double PipelineRate { get; init; } = 10;

    public int Seed { get; init; } = 1_000_000;

    public string? SeedCommand { get; init; }

    public int Probes { get; init; } = 20;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    public IReadOnlyDictionary<string, string> HubSettings { get; init; } = new Dictionary<string, string>();

    public bool AzuriteOnDisk { get; init; }

    public string? Results { get; init; }

    public bool Wrk { get; init; } = true;

    public bool Keep { get; init; }

    public bool Quick { get; init; }

    /// <summary>No progress in the drain for this long ends it; what is not final then is lost.</summary>
    /// <summary>
    /// How long nothing may move before what is not final counts as lost: longer than the hub takes to find and re-send a
    /// hand-off whose message is gone (the sweep, every minute, re-sends one StrandedAfter — 2 min — overdue once the queue
    /// is no longer behind), so a hand-off the hub recovers by itself is never judged lost.
    /// </summary>
    public TimeSpan DrainPatience { get; init; } = TimeSpan.FromSeconds(240);

    /// <summary>How long the drain floor drains its backlog (from full); zero skips it.</summary>
    public TimeSpan DrainFloorWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The drain's latest end, however busy the hub still is.</summary>
    public TimeSpan DrainDeadline { get; init; } = TimeSpan.FromMinutes(6);

    /// <summary>The concurrency the targets name (intake ≥ 0.8× the floor at 50 clients).</summary>
    public int TargetClients => Clients.Contains(50) ? 50 : Clients.Max();

    public static BenchOptions? Parse(string[] args)
    {
        var options = args.Contains("--quick") ? QuickRun : new BenchOptions();
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--quick":
                    continue;
                case "--no-wrk":
                    options = options with { Wrk = false };
                    continue;
                case "--keep":
                    options = options with { Keep = true };
                    continue;
                case "--azurite-disk":
                    options = options with { AzuriteOnDisk = true };
                    continue;
                case "--clients" when Counts(value) is { Count: > 0 } clients:
                    options = options with { Clients = clients };
                    break;
                case "--duration" when Number(value) is > 0 and var seconds:
                    options = options with { Duration = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--warmup" when Number(value) is >= 0 and var seconds:
                    options = options with { Warmup = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--drain" when Whole(value) is >= 0 and var n:
                    options = options with { Drain = n };
                    break;
                case "--faults" when Number(value) is >= 0 and < 1 and var rate:
                    options = options with { DrainFaults = rate };
                    break;
                case "--retry-after" when Whole(value) is >= 1 and var seconds:
                    options = options with { RetryAfter = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--drain-deadline" when Number(value) is > 0 and var seconds:
                    options = options with { DrainDeadline = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--drain-floor" when Number(value) is >= 0 and var seconds:
                    options = options with { DrainFloorWindow = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--pipeline" when Whole(value) is >= 0 and var n:
                    options = options with { PipelinePerDepartment = n };
                    break;
                case "--pipeline-rate" when Number(value) is > 0 and var rate:
                    options = options with { PipelineRate = rate };
                    break;
                case "--seed" when Whole(value) is >= 0 and var n:
                    options = options with { Seed = n };
                    break;
                case "--seed-command" when !string.IsNullOrWhiteSpace(value):
                    options = options with { SeedCommand = value };
                    break;
                case "--probes" when Whole(value) is >= 1 and var n:
                    options = options with { Probes = n };
                    break;
                case "--timeout" when Number(value) is > 0 and var seconds:
                    options = options with { Timeout = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--hub-setting" when value?.Split('=', 2) is [{ Length: > 0 } key, var setting]:
                    settings[key] = setting;
                    break;
                case "--results" when !string.IsNullOrWhiteSpace(value):
                    options = options with { Results = value };
                    break;
                default:
                    return null;
            }

            i++;
        }

        return settings.Count == 0 ? options : options with { HubSettings = settings };
    }

    private static BenchOptions QuickRun => new()
    {
        Quick = true,
        Duration = TimeSpan.FromSeconds(4),
        Warmup = TimeSpan.FromSeconds(1),
        Drain = 1_000,
        PipelinePerDepartment = 30,
        Seed = 0,
        Probes = 5,
        DrainDeadline = TimeSpan.FromMinutes(3),
        DrainFloorWindow = TimeSpan.FromSeconds(20),
    };

    private static List<int>? Counts(string? text)
    {
        var parts = text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var counts = parts.Select(Whole).ToList();
        return counts.All(c => c is >= 1 and <= 2000) ? [.. counts.Select(c => c!.Value).Distinct().Order()] : null;
    }

    private static int? Whole(string? text) =>
        int.TryParse(text?.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
