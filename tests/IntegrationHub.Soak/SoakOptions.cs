using System.Globalization;

namespace IntegrationHub.Soak;

internal enum RestartMode
{
    /// <summary>SIGKILL: the hub dies mid-work, as in a crash or an OOM kill.</summary>
    Kill,

    /// <summary>SIGTERM: the hub shuts down as a deployment would stop it.</summary>
    Stop,

    None,
}

/// <summary>What one soak run does; every value has a default but N.</summary>
internal sealed record SoakOptions
{
    public const string Usage = """
        usage: ./hub soak N [options]
          N                    applications to submit across the 19 online items (e.g. 5000)
          --rate R             submissions per second (default 10)
          --seed S             seed of every random choice: applications and faults (default 8)
          --faults X           scale every fault rate by X; 0 turns faults off (default 1)
          --restart MODE       kill (SIGKILL, default) | stop (SIGTERM) | none: the hub restart half-way through
          --patience SECONDS   the deadline: once all are submitted, the run ends when every application is final, or when
                               none has become final for this long (default 120); what is not final then is lost
          --deadline SECONDS   the latest end, counted from the last submission, however busy the hub still is (default 3600)
          --keep               keep the run folder (Azurite data, hub log) even when the run is clean
        """;

    public int Applications { get; init; }

    public double Rate { get; init; } = 10;

    public int Seed { get; init; } = 8;

    public double FaultScale { get; init; } = 1;

    public RestartMode Restart { get; init; } = RestartMode.Kill;

    /// <summary>How long the run waits without any application becoming final before it counts the rest as lost.</summary>
    public TimeSpan Patience { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The latest end of the wait, from the last submission, however busy the hub still is.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromHours(1);

    public bool Keep { get; init; }

    /// <summary>Submissions in flight at once (the platform's connection pool).</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Share of accepted submissions the platform sends once more with the same Idempotency-Key.</summary>
    public double RepeatRate { get; init; } = 0.02;

    public static SoakOptions? Parse(string[] args)
    {
        if (args.Length == 0 || !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            return null;
        }

        var options = new SoakOptions { Applications = n };
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--keep":
                    options = options with { Keep = true };
                    continue;
                case "--rate" when Number(value) is > 0 and var rate:
                    options = options with { Rate = rate };
                    break;
                case "--seed" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed):
                    options = options with { Seed = seed };
                    break;
                case "--faults" when Number(value) is >= 0 and var scale:
                    options = options with { FaultScale = scale };
                    break;
                case "--patience" when Number(value) is > 0 and var patience:
                    options = options with { Patience = TimeSpan.FromSeconds(patience) };
                    break;
                case "--deadline" when Number(value) is > 0 and var seconds:
                    options = options with { Deadline = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--restart" when Enum.TryParse<RestartMode>(value, ignoreCase: true, out var mode):
                    options = options with { Restart = mode };
                    break;
                default:
                    return null;
            }

            i++;
        }

        return options;
    }

    /// <summary>A number as the command line gives it (invariant culture), or null.</summary>
    public static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
