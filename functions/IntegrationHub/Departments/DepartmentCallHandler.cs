using System.Diagnostics;
using IntegrationHub.Departments.SharedState;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Departments;

/// <summary>
/// The last hub code before a request leaves for a department, once per attempt (it sits inside the resilience
/// handler): it waits out a short hold and its paced turn or refuses to send while the department is held, records the
/// request with its answer for the timeline, and turns a <c>Retry-After</c> into a department-wide hold at once, before
/// any other attempt can go out.
/// </summary>
/// <param name="department">GA, FG or RS.</param>
/// <param name="codeOf">Reads the department's own answer code from a (buffered) body; must not throw.</param>
/// <param name="holds">The department-wide holds, asked before and told after every request.</param>
/// <param name="shares">The hub-wide call-rate shares (null where no department has a rate): waited for before every request.</param>
/// <param name="time">The clock for the call's time and duration.</param>
/// <param name="logger">Logs each call at Debug, without personal data.</param>
internal sealed partial class DepartmentCallHandler(
    string department,
    Func<byte[], string?> codeOf,
    DepartmentHolds holds,
    DepartmentRateShares? shares,
    TimeProvider time,
    ILogger<DepartmentCallHandler> logger) : DelegatingHandler
{
    /// <summary>What a client calls the request on the timeline, when the method and path would say too much or too little.</summary>
    public static readonly HttpRequestOptionsKey<string> RequestLabel = new("IntegrationHub.Departments.RequestLabel");

    /// <summary>
    /// Set by a client that waited for the request's paced slot itself, because something it claims just before sending
    /// must not be followed by a wait (人社's per-case spacing): the first attempt goes without waiting again, a retry waits.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Paced = new("IntegrationHub.Departments.Paced");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // A request its client paced goes now or not at all: the client claimed something just before (see Paced).
        if (TakePaced(request))
        {
            if (await holds.RemainingAsync(department, cancellationToken).ConfigureAwait(false) is { } held)
            {
                throw new DepartmentHeldException(department, held);
            }

            return await SendNowAsync(request, cancellationToken).ConfigureAwait(false);
        }

        // Any other waits in process, up to MaxWait in all, for a short hold to end and for its paced turn. A hold that
        // begins while it waits for its turn (another call's 429) is not sent into: on a busy machine the calls behind a
        // refused one would otherwise all be refused too, each holding the department a second longer.
        var since = Stopwatch.GetTimestamp();
        while (true)
        {
            if (await holds.WaitOutAsync(department, since, cancellationToken).ConfigureAwait(false) is { } remaining)
            {
                throw new DepartmentHeldException(department, remaining);
            }

            if (shares is null)
            {
                return await SendNowAsync(request, cancellationToken).ConfigureAwait(false);
            }

            await shares.AcquireAsync(department, cancellationToken).ConfigureAwait(false);
            if (await holds.RemainingAsync(department, cancellationToken).ConfigureAwait(false) is null)
            {
                return await SendNowAsync(request, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<HttpResponseMessage> SendNowAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var label = request.Options.TryGetValue(RequestLabel, out var named) ? named : $"{request.Method} {request.RequestUri?.AbsolutePath}";
        var at = time.GetUtcNow();
        var started = time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

            // Buffered inside the attempt, so a stalled body counts against the attempt and every layer can read it.
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            var failure = e is HttpRequestException ? "connection" : "timeout";
            Record(new DepartmentCall(at, label, null, failure, (long)time.GetElapsedTime(started).TotalMilliseconds));
            throw;
        }

        var code = codeOf(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        Record(new DepartmentCall(at, label, (int)response.StatusCode, code, (long)time.GetElapsedTime(started).TotalMilliseconds));
        if (DepartmentHolds.RetryAfter(response, time) is { } wait)
        {
            await holds.HoldAsync(department, wait, $"HTTP {(int)response.StatusCode} with Retry-After {wait}", cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    /// <summary>Whether <paramref name="request"/>'s client paced it (the mark stays, taken off, after its first attempt).</summary>
    public static bool ClientPaced(HttpRequestMessage? request) =>
        request is not null && ((request.Options.TryGetValue(Paced, out var paced) && paced) || request.Options.TryGetValue(WasPaced, out _));

    private static readonly HttpRequestOptionsKey<bool> WasPaced = new("IntegrationHub.Departments.WasPaced");

    // True once for a request its client paced: the mark is taken off, so the resilience handler's next attempt is paced here.
    private static bool TakePaced(HttpRequestMessage request)
    {
        if (!request.Options.TryGetValue(Paced, out var paced) || !paced)
        {
            return false;
        }

        request.Options.Set(Paced, false);
        request.Options.Set(WasPaced, true);
        return true;
    }

    private void Record(DepartmentCall call)
    {
        DepartmentCallLog.Record(call);
        Log.Call(logger, department, call.Request, call.HttpStatus, call.Code, call.DurationMs);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7010, Level = LogLevel.Debug, Message = "{Department} {Request}: HTTP {HttpStatus} {Code} in {DurationMs} ms")]
        public static partial void Call(ILogger logger, string department, string request, int? httpStatus, string? code, long durationMs);
    }
}
