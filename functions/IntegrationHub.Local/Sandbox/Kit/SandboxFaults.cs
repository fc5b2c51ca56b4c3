using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using WireMock;
using WireMock.Models;
using WireMock.Types;
using WireMock.Util;

namespace IntegrationHub.Local.Sandbox;

/// <summary>What a sandbox does to one request instead of, or after, answering it as its document says.</summary>
public enum SandboxFaultKind
{
    None,

    /// <summary>The department's own "busy" answer (公安 9001; 人社 9001 or 9002), before anything is done.</summary>
    Busy,

    /// <summary>An HTTP 5xx from in front of the department, before anything is done.</summary>
    ServerError,

    /// <summary>HTTP 503 with Retry-After (planned maintenance), before anything is done.</summary>
    Unavailable,

    /// <summary>HTTP 429 with Retry-After (房管's rate limit), before anything is done.</summary>
    RateLimited,

    /// <summary>Processed (a case may be opened), then the connection drops in the middle of the answer.</summary>
    DroppedAnswer,

    /// <summary>Processed, then answered only after the caller has stopped waiting.</summary>
    LateAnswer,
}

/// <summary>One request's fault; <see cref="RetryAfter"/> for 503 and 429 (zero: a 503 without the header).</summary>
public readonly record struct SandboxFault(SandboxFaultKind Kind, TimeSpan RetryAfter = default)
{
    public static SandboxFault None => default;

    /// <summary>True when the request is refused before the department looks at it.</summary>
    public bool Refused => Kind is SandboxFaultKind.Busy or SandboxFaultKind.ServerError or SandboxFaultKind.Unavailable or SandboxFaultKind.RateLimited;

    /// <summary>True when the department processes the request but its answer never reaches the caller.</summary>
    public bool AnswerLost => Kind is SandboxFaultKind.DroppedAnswer or SandboxFaultKind.LateAnswer;
}

/// <summary>
/// How often a sandbox misbehaves, for soak runs. Request rates are per request (at most one fault each); callback
/// rates are per case. Everything is 0 by default: a sandbox without faults behaves exactly as its document says.
/// </summary>
public sealed record SandboxFaultRates
{
    public double Busy { get; init; }

    public double ServerError { get; init; }

    public double Unavailable { get; init; }

    public double RateLimited { get; init; }

    /// <summary>Processed, then the connection drops in the middle of the answer.</summary>
    public double DroppedAnswer { get; init; }

    /// <summary>Processed, then answered after <see cref="LateBy"/>.</summary>
    public double LateAnswer { get; init; }

    /// <summary>A callback delivered once more after it was acknowledged.</summary>
    public double DuplicateCallback { get; init; }

    /// <summary>Two of a case's callbacks delivered in the wrong order (each with its own, true, time).</summary>
    public double ReorderedCallback { get; init; }

    /// <summary>A callback with a bad signature that claims a different outcome; the hub must refuse it.</summary>
    public double ForgedCallback { get; init; }

    /// <summary>
    /// False: a drawn 503 carries no Retry-After (a proxy in front of the department, not its announced maintenance), so
    /// the caller's own backoff decides when to try again. A maintenance window always announces its end.
    /// </summary>
    public bool UnavailableAnnouncesRetryAfter { get; init; } = true;

    public TimeSpan MinRetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How late a late answer comes: longer than the caller's attempt timeout, so the caller has given up.</summary>
    public TimeSpan LateBy { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A planned maintenance window: every request inside it is answered 503 with Retry-After until its end.</summary>
    public DateTimeOffset? MaintenanceFrom { get; init; }

    public DateTimeOffset? MaintenanceUntil { get; init; }
}

/// <summary>
/// Draws faults for one sandbox from a seeded <see cref="Random"/> and counts what it injected, so a soak run can say
/// which faults the hub really met. Thread-safe; the order of draws follows the order requests arrive.
/// </summary>
public sealed class SandboxFaults(SandboxFaultRates rates, int seed, TimeProvider timeProvider)
{
    // A call that arrives this soon after a Retry-After answer may have left the caller before that answer arrived.
    private static readonly TimeSpan InFlight = TimeSpan.FromMilliseconds(200);

    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _lostAnswers = new(StringComparer.Ordinal);
    private DateTimeOffset _promisedAt;
    private DateTimeOffset _promisedUntil;

    public SandboxFaultRates Rates { get; } = rates;

    /// <summary>How many of each fault were injected so far, by name.</summary>
    public IReadOnlyDictionary<string, int> Counts
    {
        get
        {
            lock (_gate)
            {
                return new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The hand-off keys (LSH, request_id, trans_id) whose answer was lost, and how many times.</summary>
    public IReadOnlyDictionary<string, int> LostAnswers
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_lostAnswers, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>
    /// At most one fault for the next request, among the kinds the department's document has an answer for. Also counts
    /// a request that arrives before the time a Retry-After answer of this department promised (one department, one clock).
    /// </summary>
    public SandboxFault Draw(params SandboxFaultKind[] supported)
    {
        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            // Assumption: a Retry-After speaks for the whole department (issue 8: "no call to that department before that
            // time"), not only for the request it answered.
            if (now < _promisedUntil && now - _promisedAt > InFlight)
            {
                Add("calls before Retry-After had passed");
            }

            if (supported.Contains(SandboxFaultKind.Unavailable)
                && Rates is { MaintenanceFrom: { } from, MaintenanceUntil: { } until } && now >= from && now < until)
            {
                Add("503 maintenance window");
                return Promise(new SandboxFault(SandboxFaultKind.Unavailable, RoundUp(until - now)), now);
            }

            var roll = _random.NextDouble();
            foreach (var kind in supported)
            {
                roll -= RateOf(kind);
                if (roll < 0)
                {
                    return Promise(Picked(kind), now);
                }
            }

            return SandboxFault.None;
        }
    }

    /// <summary>True with probability <paramref name="rate"/>; counted under <paramref name="name"/> when true.</summary>
    public bool Chance(double rate, string name)
    {
        lock (_gate)
        {
            if (_random.NextDouble() >= rate)
            {
                return false;
            }

            Add(name);
            return true;
        }
    }

    public int Next(int maxExclusive)
    {
        lock (_gate)
        {
            return _random.Next(maxExclusive);
        }
    }

    /// <summary>Notes that the answer to a request carrying <paramref name="key"/> was lost, when <paramref name="fault"/> says so.</summary>
    public void NoteLostAnswer(SandboxFault fault, string? key)
    {
        if (!fault.AnswerLost || key is null)
        {
            return;
        }

        lock (_gate)
        {
            _lostAnswers[key] = _lostAnswers.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>Counts something the sandbox observed (e.g. the hub's answer to a forged callback).</summary>
    public void Count(string name)
    {
        lock (_gate)
        {
            Add(name);
        }
    }

    /// <summary>
    /// A department's decision of one case told by callbacks, <paramref name="delay"/> apart, with this sandbox's callback
    /// faults: <paramref name="happen"/>(i) when step i happens, <paramref name="deliver"/>(i, when) to deliver it until
    /// acknowledged, and <paramref name="forge"/> to send a forged callback (it returns the hub's HTTP status, or null when
    /// the hub could not be reached). A reordered pair is delivered newer first, each carrying the time it happened.
    /// </summary>
    public async Task RunCallbacksAsync(int steps, TimeSpan delay, Action<int> happen, Func<int, DateTimeOffset, Task> deliver,
        Func<Task<HttpStatusCode?>> forge, CancellationToken cancellationToken)
    {
        var forgeAt = Chance(Rates.ForgedCallback, "callback forged (bad signature, other outcome)") ? Next(steps) : -1;
        var heldBack = steps > 1 && Chance(Rates.ReorderedCallback, "callbacks reordered (newer delivered first)") ? Next(steps - 1) : -1;
        var happened = new DateTimeOffset[steps];
        for (var i = 0; i < steps; i++)
        {
            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            happened[i] = timeProvider.GetUtcNow();
            happen(i);
            if (i == forgeAt)
            {
                Count((await forge().ConfigureAwait(false)) switch
                {
                    null => "forged callback: hub unreachable",
                    HttpStatusCode.Unauthorized => "forged callback: refused with 401",
                    { } other => $"forged callback: answered HTTP {(int)other} (should be 401)",
                });
            }

            if (i == heldBack)
            {
                continue;
            }

            await HandOffAsync(i).ConfigureAwait(false);
            if (heldBack >= 0 && i == heldBack + 1)
            {
                await HandOffAsync(heldBack).ConfigureAwait(false);
            }
        }

        async Task HandOffAsync(int step)
        {
            await deliver(step, happened[step]).ConfigureAwait(false);
            if (Chance(Rates.DuplicateCallback, "callback duplicated"))
            {
                await deliver(step, happened[step]).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The normal answer's status and headers, then a broken body: the connection is cut after the first bytes, so the
    /// caller sees "the response ended prematurely" although the department has processed the request.
    /// </summary>
    public static ResponseMessage Dropped(ResponseMessage normal) => new()
    {
        StatusCode = normal.StatusCode,
        Headers = normal.Headers,
        BodyData = new BodyData { DetectedBodyType = BodyType.SseString, SseStringQueue = new CutAfterFirstWrite() },
    };

    public static string Seconds(TimeSpan wait) => ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private double RateOf(SandboxFaultKind kind) => kind switch
    {
        SandboxFaultKind.Busy => Rates.Busy,
        SandboxFaultKind.ServerError => Rates.ServerError,
        SandboxFaultKind.Unavailable => Rates.Unavailable,
        SandboxFaultKind.RateLimited => Rates.RateLimited,
        SandboxFaultKind.DroppedAnswer => Rates.DroppedAnswer,
        SandboxFaultKind.LateAnswer => Rates.LateAnswer,
        _ => 0,
    };

    private SandboxFault Picked(SandboxFaultKind kind)
    {
        if (kind == SandboxFaultKind.Unavailable && !Rates.UnavailableAnnouncesRetryAfter)
        {
            Add("503 without Retry-After");
            return new SandboxFault(kind);
        }

        Add(kind switch
        {
            SandboxFaultKind.Busy => "busy",
            SandboxFaultKind.ServerError => "5xx",
            SandboxFaultKind.Unavailable => "503 Retry-After",
            SandboxFaultKind.RateLimited => "429 Retry-After",
            SandboxFaultKind.DroppedAnswer => "answer lost: connection dropped",
            _ => "answer lost: too late",
        });
        var span = Rates.MaxRetryAfter - Rates.MinRetryAfter;
        var retryAfter = kind is SandboxFaultKind.Unavailable or SandboxFaultKind.RateLimited
            ? RoundUp(Rates.MinRetryAfter + span * _random.NextDouble())
            : TimeSpan.Zero;
        return new SandboxFault(kind, retryAfter);
    }

    private SandboxFault Promise(SandboxFault fault, DateTimeOffset now)
    {
        if (fault.RetryAfter > TimeSpan.Zero && now + fault.RetryAfter > _promisedUntil)
        {
            _promisedAt = now;
            _promisedUntil = now + fault.RetryAfter;
        }

        return fault;
    }

    // Retry-After is whole seconds; rounding up keeps the promise "not before" true.
    private static TimeSpan RoundUp(TimeSpan wait) => TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds)));

    private void Add(string name) => _counts[name] = _counts.GetValueOrDefault(name) + 1;

    /// <summary>WireMock writes what this queue yields and flushes; the exception after the first write aborts the connection.</summary>
    private sealed class CutAfterFirstWrite : IBlockingQueue<string?>
    {
        private int _reads;

        public void Write(string? item)
        {
        }

        public bool TryRead([NotNullWhen(true)] out string? item)
        {
            if (Interlocked.Increment(ref _reads) == 1)
            {
                item = "<";
                return true;
            }

            throw new IOException("The sandbox dropped the connection after processing the request.");
        }

        public void Close()
        {
        }
    }
}
