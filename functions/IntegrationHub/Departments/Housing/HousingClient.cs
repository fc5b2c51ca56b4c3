using System.Net.Http.Headers;
using System.Text;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace IntegrationHub.Departments.Housing;

/// <summary>
/// Delivers applications to the bureau and asks it about cases no webhook has settled. Retries, timeouts and the
/// circuit breaker are the resilience handler's, the token is <see cref="HousingAuthHandler"/>'s (see
/// <see cref="HousingRegistration"/>); this class turns the last answer into an outcome.
/// </summary>
internal sealed class HousingClient(
    HttpClient http,
    IOptions<HousingOptions> options,
    DepartmentHolds holds,
    TimeProvider time,
    ILogger<HousingClient> logger) : IDepartmentAdapter, IDepartmentStatusQuery
{
    public const string ApplicationsPath = "api/v2/applications";

    public string Department => HousingTranslator.Department;

    public TimeSpan Interval => options.Value.ReconcileAfter;

    public async Task<HandoffOutcome> HandOffAsync(CanonicalApplication application, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = HousingTranslator.ToRequest(application);
        }
        catch (HousingFormatException e)
        {
            // The hub cannot express this application in the bureau's format: a data defect no retry will fix.
            logger.LogError("FG application {ApplicationId} cannot be translated: {Reason}", application.ApplicationId, e.Message);
            return new HandoffOutcome(HandoffOutcomeKind.Invalid, DepartmentMessage: e.Message);
        }

        if (await holds.RemainingAsync(Department, cancellationToken).ConfigureAwait(false) is { } held)
        {
            return DepartmentHolds.Held(held);
        }

        // The same body, and so the same request_id, on every attempt: the bureau's idempotency does the rest.
        using var request = new HttpRequestMessage(HttpMethod.Post, ApplicationsPath)
        {
            Content = new StringContent(body, Encoding.UTF8, HousingTranslator.ContentType),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(HousingTranslator.ContentType));
        // Telemetry hook (issue 14): HttpClient instrumentation rewrites traceparent from the current span; outside any span
        // (a direct call) that span is made part of the submission's trace here, so the department always sees its trace id.
        using var trace = HubTelemetry.ContinueTrace(application.TraceParent);
        if (application.TraceParent is { Length: > 0 } traceParent)
        {
            // The submission's trace context, sent as is when no telemetry listens.
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        using var calls = DepartmentCallLog.Start();
        HandoffOutcome outcome;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            outcome = Classify(response, responseBody);
        }
        catch (Exception e) when (Failure(e, cancellationToken) is { } failure)
        {
            outcome = failure;
        }

        logger.LogInformation("FG application {ApplicationId} delivery: {Kind} {DepartmentCode} ticket {CaseNumber}",
            application.ApplicationId, outcome.Kind, outcome.DepartmentCode, outcome.CaseNumber);
        return outcome with { RequestPayload = body, Calls = calls.Calls };
    }

    public async Task<StatusQueryResult> QueryAsync(string deliveryKey, string caseNumber, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(caseNumber);
        if (await holds.RemainingAsync(Department, cancellationToken).ConfigureAwait(false) is { } held)
        {
            return new StatusQueryResult(null, held, "held");
        }

        using var calls = DepartmentCallLog.Start();
        var result = await ReconcileAsync(deliveryKey, caseNumber, cancellationToken).ConfigureAwait(false);
        return result with { Calls = calls.Calls };
    }

    private async Task<StatusQueryResult> ReconcileAsync(string deliveryKey, string caseNumber, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ApplicationsPath}/{Uri.EscapeDataString(caseNumber)}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(HousingTranslator.ContentType));
        request.Options.Set(DepartmentCallHandler.RequestLabel, $"GET /{ApplicationsPath}/{{ticket_no}}");
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            switch (status)
            {
                case 200:
                    try
                    {
                        var report = HousingTranslator.ToReconciledReport(body, deliveryKey, caseNumber);
                        return new StatusQueryResult(report, DepartmentCode: report?.DepartmentCode ?? "in_progress");
                    }
                    catch (HousingFormatException e)
                    {
                        // Often a proxy's page in front of the bureau: ask again soon rather than wait a whole interval.
                        logger.LogWarning("FG ticket {CaseNumber} reconciliation answer malformed: {Reason}", caseNumber, e.Message);
                        return new StatusQueryResult(null, TransientDelay(null), "malformed");
                    }

                case 408 or 429 or >= 500:
                    return new StatusQueryResult(null, TransientDelay(DepartmentHolds.RetryAfter(response, time)), $"HTTP {status}");
                default:
                    // Assumption: 404 (an unknown ticket), 401 after the renewal and anything else the document does not
                    // define are logged and asked again at the usual interval; retrying sooner would change nothing.
                    logger.LogError("FG ticket {CaseNumber} reconciliation refused: HTTP {Status} {Error}",
                        caseNumber, status, HousingTranslator.ErrorCode(body));
                    return new StatusQueryResult(null, DepartmentCode: HousingTranslator.ErrorCode(body) ?? $"HTTP {status}");
            }
        }
        catch (Exception e) when (Failure(e, cancellationToken) is { } failure)
        {
            logger.LogWarning("FG ticket {CaseNumber} reconciliation failed: {Kind} {Code}", caseNumber, failure.Kind, failure.DepartmentCode);
            return new StatusQueryResult(null, failure.Kind is HandoffOutcomeKind.Transient or HandoffOutcomeKind.Held ? TransientDelay(failure.RetryAfter) : null,
                failure.DepartmentCode);
        }
    }

    private HandoffOutcome Classify(HttpResponseMessage response, byte[] body)
    {
        var payload = HousingTranslator.Describe(body);
        if (DepartmentHolds.Announced(response, time) is { } announced)
        {
            return announced with { ResponsePayload = payload };
        }

        try
        {
            return HousingTranslator.ToOutcome((int)response.StatusCode, body) with { ResponsePayload = payload };
        }
        catch (HousingFormatException e)
        {
            // Assumption: a 200/202 that is not the documented JSON is often a proxy's page, so Transient. The retry
            // carries the same request_id, so the bureau answers it with the original ticket.
            return new HandoffOutcome(HandoffOutcomeKind.Transient, $"HTTP {(int)response.StatusCode}", e.Message, ResponsePayload: payload);
        }
    }

    // The failures the client turns into an outcome; anything else (including the caller's cancellation) escapes.
    private HandoffOutcome? Failure(Exception e, CancellationToken cancellationToken) => e switch
    {
        HousingCallException call => new HandoffOutcome(call.Kind, call.Code, call.Message, RetryAfter: call.RetryAfter, ResponsePayload: call.ResponsePayload),
        DepartmentHeldException held => DepartmentHolds.Held(held.Remaining),
        HttpRequestException request => new HandoffOutcome(HandoffOutcomeKind.Transient, "connection", $"Connection failed: {request.HttpRequestError}"),
        TimeoutRejectedException => new HandoffOutcome(HandoffOutcomeKind.Transient, "timeout", "Timed out."),

        // Polly 8 does not say when the breaker closes; it stays open at most BreakDuration.
        BrokenCircuitException => new HandoffOutcome(HandoffOutcomeKind.Transient, "circuit_open", "Circuit open: the bureau failed repeatedly.",
            RetryAfter: options.Value.Resilience.BreakDuration),
        OperationCanceledException when !cancellationToken.IsCancellationRequested => new HandoffOutcome(HandoffOutcomeKind.Transient, "timeout", "Timed out."),
        _ => null,
    };

    // Assumption: a reconciliation question that failed transiently is asked again after Retry-After when the bureau gave
    // one, else after the breaker's BreakDuration (30 s by default), not after the whole ReconcileAfter interval.
    private TimeSpan TransientDelay(TimeSpan? retryAfter) => retryAfter ?? options.Value.Resilience.BreakDuration;
}
