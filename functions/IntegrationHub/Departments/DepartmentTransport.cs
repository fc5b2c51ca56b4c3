using System.Diagnostics;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace IntegrationHub.Departments;

/// <summary>
/// The one way every department adapter sends a request and classes what happened, so the same failure is the same
/// outcome, with the same <see cref="HandoffOutcome.DepartmentCode"/>, whichever department it was: a held department
/// is not called (<c>held</c>); a connection failure is <c>connection</c>, a timeout <c>timeout</c>, an open breaker
/// <c>circuit_open</c>, all Transient; an answer with <c>Retry-After</c> holds (503) or waits (429); an HTTP status a
/// document does not define is <c>HTTP {status}</c>. What the department's own answer means is its translator's.
/// </summary>
/// <param name="department">GA, FG or RS.</param>
/// <param name="holds">The department-wide holds.</param>
/// <param name="time">For reading <c>Retry-After</c> dates.</param>
/// <param name="resilience">The department's budget (the breaker's BreakDuration is how long an open circuit waits).</param>
/// <param name="logger">Logs what the transport decided, without personal data.</param>
internal sealed partial class DepartmentTransport(
    string department,
    DepartmentHolds holds,
    TimeProvider time,
    Func<DepartmentResilienceOptions> resilience,
    ILogger logger)
{
    public string Department => department;

    /// <summary>
    /// Translates with <paramref name="translate"/>; a <typeparamref name="TFault"/> (the hub cannot express this request
    /// in the department's format) is a data defect no retry fixes: the Invalid outcome, logged without values.
    /// </summary>
    public HandoffOutcome? Translate<TFault, T>(Func<T> translate, string subject, out T? translated)
        where TFault : Exception
    {
        try
        {
            translated = translate();
            return null;
        }
        catch (TFault e)
        {
            translated = default;
            Log.Untranslatable(logger, department, subject, e.Message);
            return new HandoffOutcome(HandoffOutcomeKind.Invalid, DepartmentMessage: e.Message);
        }
    }

    /// <summary>How long the department is still held, or null when it may be called now.</summary>
    public ValueTask<TimeSpan?> HeldForAsync(CancellationToken cancellationToken) => holds.RemainingAsync(department, cancellationToken);

    /// <summary>
    /// Sends <paramref name="request"/> through the department's typed client (resilience, signing, the call log inside)
    /// under the submission's trace. Every request the operation took is in <see cref="DepartmentExchange.Calls"/>.
    /// </summary>
    public async Task<DepartmentExchange> SendAsync(HttpClient http, HttpRequestMessage request, string? traceParent, CancellationToken cancellationToken)
    {
        using var calls = DepartmentCallLog.Start();
        // A hold the call will not wait out is answered here, before the pipeline runs (a token renewal, the breaker's
        // count); a short one is waited out by DepartmentCallHandler, except for a request its client paced.
        if (await holds.RemainingAsync(department, cancellationToken).ConfigureAwait(false) is { } held
            && (DepartmentCallHandler.ClientPaced(request) || !holds.Fits(held, Stopwatch.GetTimestamp())))
        {
            return new DepartmentExchange(null, [], DepartmentHolds.Held(held), []);
        }

        // Telemetry hook (issue 14): HttpClient instrumentation rewrites traceparent from the current span; outside any span
        // (a direct call) that span is made part of the submission's trace here, so the department always sees its trace id.
        using var trace = HubTelemetry.ContinueTrace(traceParent);
        if (traceParent is { Length: > 0 })
        {
            // The submission's trace context, sent as is when no telemetry listens. Assumption: every department accepts a
            // header its document does not name (none forbids extra headers).
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return new DepartmentExchange((int)response.StatusCode, body, DepartmentHolds.Announced(response, time), calls.Calls);
        }
        catch (Exception e) when (Failure(e, cancellationToken) is { } failure)
        {
            Log.Failed(logger, department, failure.DepartmentCode);
            return new DepartmentExchange(null, [], failure, calls.Calls);
        }
    }

    /// <summary>
    /// An HTTP status the department's document does not define for this request: 5xx, 408 and 429 are worth another try;
    /// anything else means a wrong BaseUrl or a gateway refusing us, which only a configuration change fixes.
    /// </summary>
    public static HandoffOutcome UnexpectedStatus(int status, string? payload)
    {
        var kind = status is >= 500 or 408 or 429 ? HandoffOutcomeKind.Transient : HandoffOutcomeKind.ConfigurationFault;
        return new HandoffOutcome(kind, $"HTTP {status}", $"HTTP {status}", ResponsePayload: payload);
    }

    /// <summary>
    /// An upload's outcome from the outcome its answer was classed as: the translators put the department's file id
    /// (CLID, file_id) where a case number would be, so one classification serves applications and files alike.
    /// </summary>
    public static MaterialUploadOutcome Upload(HandoffOutcome outcome) => new(
        outcome.Kind,
        outcome.Kind == HandoffOutcomeKind.Received ? outcome.CaseNumber : null,
        outcome.DepartmentCode,
        outcome.DepartmentMessage,
        outcome.RetryAfter,
        outcome.Calls);

    // The failures an adapter turns into an outcome; anything else (including the caller's cancellation) escapes.
    private HandoffOutcome? Failure(Exception e, CancellationToken cancellationToken) => e switch
    {
        DepartmentCallException call => new HandoffOutcome(call.Kind, call.Code, call.Message, RetryAfter: call.RetryAfter, ResponsePayload: call.ResponsePayload),
        DepartmentHeldException held => DepartmentHolds.Held(held.Remaining),
        HttpRequestException request => new HandoffOutcome(HandoffOutcomeKind.Transient, "connection", $"Connection failed: {request.HttpRequestError}"),
        TimeoutRejectedException => new HandoffOutcome(HandoffOutcomeKind.Transient, "timeout", "Timed out."),

        // Polly 8 does not say when the breaker closes; it stays open at most BreakDuration.
        BrokenCircuitException => new HandoffOutcome(HandoffOutcomeKind.Transient, "circuit_open", "Circuit open: the department failed repeatedly.",
            RetryAfter: resilience().BreakDuration),
        OperationCanceledException when !cancellationToken.IsCancellationRequested => new HandoffOutcome(HandoffOutcomeKind.Transient, "timeout", "Timed out."),
        _ => null,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Error, Message = "{Department} request for {Subject} cannot be translated: {Reason}")]
        public static partial void Untranslatable(ILogger logger, string department, string subject, string reason);

        [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "{Department} call failed without an answer: {DepartmentCode}")]
        public static partial void Failed(ILogger logger, string department, string? departmentCode);
    }
}

/// <summary>What one send gave: the department's answer (<see cref="Status"/> and <see cref="Body"/>), or why there is none.</summary>
/// <param name="Status">The HTTP status, or null when no answer came.</param>
/// <param name="Body">The answer's bytes (empty without one).</param>
/// <param name="Failure">
/// Set when the answer is not the department's to interpret: nothing came (connection, timeout, open circuit, held), or it
/// came with <c>Retry-After</c> (a 503 holds, a 429 waits). The adapter returns it, adding the payload it can describe.
/// </param>
/// <param name="Calls">Every request the send took, in-client retries and token requests included.</param>
internal sealed record DepartmentExchange(int? Status, byte[] Body, HandoffOutcome? Failure, IReadOnlyList<DepartmentCall> Calls);

/// <summary>
/// A call the hub did not get a usable department answer to, decided inside the client's pipeline (a throttled or
/// refused token endpoint, a 429): thrown there on purpose so that none is retried on the backoff and it becomes the
/// outcome. A transient one whose <see cref="RetryAfter"/> is no longer than Departments:Shared:MaxWait is retried after
/// it, in the pipeline (see DepartmentResilienceOptions).
/// </summary>
internal sealed class DepartmentCallException(HandoffOutcomeKind kind, string code, string message, TimeSpan? retryAfter = null, string? responsePayload = null)
    : Exception(message)
{
    /// <summary>Transient or ConfigurationFault.</summary>
    public HandoffOutcomeKind Kind { get; } = kind;

    public string Code { get; } = code;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public string? ResponsePayload { get; } = responsePayload;
}
