using System.Diagnostics;
using System.Net;
using IntegrationHub.Departments.SharedState;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments;

/// <summary>
/// When each department may be called again. An answer with <c>Retry-After</c> (429 or 503) is the department's promise
/// that nothing before that time will be served, and 人社's 9003 asks the same without a header: every outgoing call to a
/// department (delivery, status query, token request, each in-client retry) asks first and is not made while a hold runs
/// (see <see cref="DepartmentCallHandler"/> and the clients): a hold that ends within <see cref="SharedStateOptions.MaxWait"/>
/// is waited out in process (<see cref="WaitOutAsync"/>), a longer one returns the call as held. A hold only ever grows: a
/// shorter answer never shortens one that is running.
/// </summary>
/// <remarks>
/// The state is per process. Issue 16 shares it across instances through storage: that is a replacement of this one
/// class by one keeping a row per department in the index table (the later <c>Until</c> wins, written under the row's
/// ETag, and the growth step beside it). Its members are asynchronous already, so no caller changes; the cost is one
/// read per outgoing call (cacheable until the known hold ends) and one write per hold started.
/// </remarks>
internal sealed partial class DepartmentHolds(TimeProvider time, IOptions<SharedStateOptions> shared, ILogger<DepartmentHolds> logger)
{
    private readonly Dictionary<string, Hold> _holds = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    /// <summary>How long <paramref name="department"/> is still held, or null when it may be called now.</summary>
    public ValueTask<TimeSpan?> RemainingAsync(string department, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return ValueTask.FromResult(_holds.TryGetValue(department, out var hold) && hold.Until > now ? hold.Until - now : (TimeSpan?)null);
        }
    }

    /// <summary>
    /// Waits out a hold of <paramref name="department"/> that ends within <see cref="SharedStateOptions.MaxWait"/> of
    /// <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp: when the call began to wait), the patience a call also
    /// has for its paced turn: a hand-off sent round the queue again for a second's hold costs more storage calls than the
    /// second. Returns null when the department may be called now, else how long it is still held (the call is not made).
    /// </summary>
    public async ValueTask<TimeSpan?> WaitOutAsync(string department, long since, CancellationToken cancellationToken)
    {
        while (await RemainingAsync(department, cancellationToken).ConfigureAwait(false) is { } remaining)
        {
            if (!Fits(remaining, since))
            {
                return remaining;
            }

            // Real time, as the paced wait (see DepartmentRateShares): a clock only a test moves must not keep a call forever.
            await Task.Delay(remaining, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>Whether a wait of <paramref name="wait"/> from now still ends within MaxWait of <paramref name="since"/>.</summary>
    public bool Fits(TimeSpan wait, long since) => Stopwatch.GetElapsedTime(since) + wait <= shared.Value.MaxWait;

    /// <summary>No call to <paramref name="department"/> for <paramref name="wait"/> from now (or longer, if already held so).</summary>
    public ValueTask HoldAsync(string department, TimeSpan wait, string reason, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            return ValueTask.CompletedTask;
        }

        var until = time.GetUtcNow() + wait;
        lock (_gate)
        {
            var current = _holds.GetValueOrDefault(department);
            if (current is not null && current.Until >= until)
            {
                return ValueTask.CompletedTask;
            }

            _holds[department] = new Hold(until, reason, current?.Step);
        }

        Log.Held(logger, department, until, reason);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A hold that doubles each time the department asks again for one, from <paramref name="first"/> up to
    /// <paramref name="max"/>, until <see cref="SucceededAsync"/>. An answer that arrives while such a hold runs (a call
    /// sent before it began) does not grow it. Returns how long the department is now held.
    /// </summary>
    public ValueTask<TimeSpan> HoldGrowingAsync(string department, TimeSpan first, TimeSpan max, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        TimeSpan step;
        lock (_gate)
        {
            var current = _holds.GetValueOrDefault(department);
            if (current is not null && current.Until > now)
            {
                return ValueTask.FromResult(current.Until - now);
            }

            step = current?.Step is { } last ? Min(last * 2, max) : Min(first, max);
            _holds[department] = new Hold(now + step, reason, step);
        }

        Log.HeldGrowing(logger, department, step, reason);
        return ValueTask.FromResult(step);
    }

    /// <summary>The department answered normally: the next growing hold starts small again.</summary>
    public ValueTask SucceededAsync(string department, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_holds.TryGetValue(department, out var hold) && hold.Step is not null)
            {
                _holds[department] = hold with { Step = null };
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The wait an answer asks for: <c>Retry-After</c> as seconds or an HTTP date, on a 429 or 503 only (RFC 9110 and
    /// RFC 6585 give it that meaning there); null without one, or when the time has already passed.
    /// </summary>
    // Assumption: Retry-After on any other status (a 500, a 302) is not a promise about the department and is ignored.
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
        {
            return null;
        }

        var wait = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => TimeSpan.Zero,
        };
        return wait > TimeSpan.Zero ? wait : null;
    }

    /// <summary>What a client returns instead of calling a held department: not a failure, come back when it ends.</summary>
    public static HandoffOutcome Held(TimeSpan remaining) => new(
        HandoffOutcomeKind.Held,
        "held",
        $"Not called: the department asked for no calls yet ({Seconds(remaining)} s to go).",
        RetryAfter: remaining);

    /// <summary>
    /// The outcome of an answer with <c>Retry-After</c>, or null when it has none. A 503 announces planned maintenance
    /// (公安's document says so): Held, which does not use up the retry budget. A 429 is a refusal for calling too
    /// often: Transient. Either way the department is already held (see <see cref="DepartmentCallHandler"/>).
    /// </summary>
    // Assumption: a 503 with Retry-After is maintenance for every department (only 公安's document names it); a 503
    // without it is an ordinary transient failure, retried in the client.
    public static HandoffOutcome? Announced(HttpResponseMessage response, TimeProvider time)
    {
        if (RetryAfter(response, time) is not { } wait)
        {
            return null;
        }

        var status = (int)response.StatusCode;
        return status == 503
            ? new HandoffOutcome(HandoffOutcomeKind.Held, "HTTP 503", $"Planned maintenance: no calls for {Seconds(wait)} s (Retry-After).", RetryAfter: wait)
            : new HandoffOutcome(HandoffOutcomeKind.Transient, $"HTTP {status}", $"Called too often: no calls for {Seconds(wait)} s (Retry-After).", RetryAfter: wait);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7011, Level = LogLevel.Warning, Message = "{Department} held until {Until:O}: {Reason}")]
        public static partial void Held(ILogger logger, string department, DateTimeOffset until, string reason);

        [LoggerMessage(EventId = 7012, Level = LogLevel.Warning, Message = "{Department} held for {Hold} (a growing hold): {Reason}")]
        public static partial void HeldGrowing(ILogger logger, string department, TimeSpan hold, string reason);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static long Seconds(TimeSpan wait) => (long)Math.Ceiling(wait.TotalSeconds);

    /// <param name="Until">No call before this time.</param>
    /// <param name="Reason">Why, for the log.</param>
    /// <param name="Step">The last growing hold's length, while the department keeps asking for them.</param>
    private sealed record Hold(DateTimeOffset Until, string Reason, TimeSpan? Step);
}

/// <summary>
/// Thrown instead of calling a department that is held (see <see cref="DepartmentHolds"/>); the clients turn it into a
/// <see cref="HandoffOutcomeKind.Held"/> outcome carrying <see cref="Remaining"/>. Never retried: nothing was sent.
/// </summary>
internal sealed class DepartmentHeldException(string department, TimeSpan remaining)
    : Exception($"{department} is held for another {remaining}; nothing was sent.")
{
    public string Department { get; } = department;

    public TimeSpan Remaining { get; } = remaining;
}
