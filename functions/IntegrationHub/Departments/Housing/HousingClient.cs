using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.Housing;

/// <summary>
/// Delivers applications to the bureau and asks it about cases no webhook has settled. Retries, timeouts and the
/// circuit breaker are the resilience handler's, the token is <see cref="HousingAuthHandler"/>'s (see
/// <see cref="HousingRegistration"/>); this class turns the last answer into an outcome.
/// </summary>
internal sealed partial class HousingClient(
    HttpClient http,
    IOptions<HousingOptions> options,
    DepartmentHolds holds,
    TimeProvider time,
    ILogger<HousingClient> logger) : IDepartmentAdapter, IDepartmentStatusQuery
{
    public const string ApplicationsPath = "api/v2/applications";

    private readonly DepartmentTransport _transport = new(HousingTranslator.Department, holds, time, () => options.Value.Resilience, logger);

    public string Department => HousingTranslator.Department;

    public TimeSpan Interval => options.Value.ReconcileAfter;

    public async Task<HandoffOutcome> HandOffAsync(CanonicalApplication application, CancellationToken cancellationToken)
    {
        if (_transport.Translate<HousingFormatException, string>(() => HousingTranslator.ToRequest(application),
            application.ApplicationId, out var body) is { } invalid)
        {
            return invalid;
        }

        // The same body, and so the same request_id, on every attempt: the bureau's idempotency does the rest.
        using var request = JsonRequest(HttpMethod.Post, ApplicationsPath, body!);
        var exchange = await _transport.SendAsync(http, request, application.TraceParent, cancellationToken).ConfigureAwait(false);
        var outcome = Classify(exchange, static (status, answer) => HousingTranslator.ToOutcome(status, answer));
        Log.HandedOff(logger, application.ApplicationId, outcome.Kind, outcome.DepartmentCode, outcome.CaseNumber);
        return outcome with { RequestPayload = body, Calls = exchange.Calls };
    }

    public async Task<StatusQueryResult> QueryAsync(string deliveryKey, string caseNumber, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(caseNumber);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ApplicationsPath}/{Uri.EscapeDataString(caseNumber)}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(HousingTranslator.ContentType));
        request.Options.Set(DepartmentCallHandler.RequestLabel, $"GET /{ApplicationsPath}/{{ticket_no}}");
        var exchange = await _transport.SendAsync(http, request, traceParent: null, cancellationToken).ConfigureAwait(false);
        return Reconciled(exchange, deliveryKey, caseNumber) with { Calls = exchange.Calls };
    }

    private StatusQueryResult Reconciled(DepartmentExchange exchange, string deliveryKey, string caseNumber)
    {
        if (exchange.Failure is { } failure)
        {
            Log.ReconciliationFailed(logger, caseNumber, failure.Kind, failure.DepartmentCode);
            return new StatusQueryResult(null, failure.Kind is HandoffOutcomeKind.Transient or HandoffOutcomeKind.Held ? TransientDelay(failure.RetryAfter) : null,
                failure.DepartmentCode);
        }

        var status = exchange.Status!.Value;
        switch (status)
        {
            case 200:
                try
                {
                    var report = HousingTranslator.ToReconciledReport(exchange.Body, deliveryKey, caseNumber);
                    return new StatusQueryResult(report, DepartmentCode: report?.DepartmentCode ?? "in_progress");
                }
                catch (HousingFormatException e)
                {
                    // Often a proxy's page in front of the bureau: ask again soon rather than wait a whole interval.
                    Log.ReconciliationMalformed(logger, caseNumber, e.Message);
                    return new StatusQueryResult(null, TransientDelay(null), "malformed");
                }

            case 408 or 429 or >= 500:
                return new StatusQueryResult(null, TransientDelay(null), $"HTTP {status}");
            default:
                // Assumption: 404 (an unknown ticket), 401 after the renewal and anything else the document does not
                // define are logged and asked again at the usual interval; retrying sooner would change nothing.
                var code = HousingTranslator.ErrorCode(exchange.Body) ?? $"HTTP {status}";
                Log.ReconciliationRefused(logger, caseNumber, status, code);
                return new StatusQueryResult(null, DepartmentCode: code);
        }
    }

    private static HandoffOutcome Classify(DepartmentExchange exchange, Func<int, byte[], HandoffOutcome> toOutcome)
    {
        var payload = HousingTranslator.Describe(exchange.Body);
        if (exchange.Failure is { } failure)
        {
            return failure with { ResponsePayload = failure.ResponsePayload ?? payload };
        }

        try
        {
            return toOutcome(exchange.Status!.Value, exchange.Body) with { ResponsePayload = payload };
        }
        catch (HousingFormatException e)
        {
            // Assumption: a 200/202 that is not the documented JSON is often a proxy's page, so Transient. The retry
            // carries the same request_id, so the bureau answers it with the original ticket.
            return new HandoffOutcome(HandoffOutcomeKind.Transient, $"HTTP {exchange.Status}", e.Message, ResponsePayload: payload);
        }
    }

    private static HttpRequestMessage JsonRequest(HttpMethod method, string path, string body)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, HousingTranslator.ContentType) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(HousingTranslator.ContentType));
        return request;
    }

    // Assumption: a reconciliation question that failed transiently is asked again after Retry-After when the bureau gave
    // one, else after the breaker's BreakDuration (30 s by default), not after the whole ReconcileAfter interval.
    private TimeSpan TransientDelay(TimeSpan? retryAfter) => retryAfter ?? options.Value.Resilience.BreakDuration;

    private static partial class Log
    {
        [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "FG application {ApplicationId} hand-off: {Kind} {DepartmentCode} ticket {CaseNumber}")]
        public static partial void HandedOff(ILogger logger, string applicationId, HandoffOutcomeKind kind, string? departmentCode, string? caseNumber);

        [LoggerMessage(EventId = 7202, Level = LogLevel.Warning, Message = "FG ticket {CaseNumber} reconciliation failed: {Kind} {DepartmentCode}")]
        public static partial void ReconciliationFailed(ILogger logger, string caseNumber, HandoffOutcomeKind kind, string? departmentCode);

        [LoggerMessage(EventId = 7203, Level = LogLevel.Warning, Message = "FG ticket {CaseNumber} reconciliation answer malformed: {Reason}")]
        public static partial void ReconciliationMalformed(ILogger logger, string caseNumber, string reason);

        [LoggerMessage(EventId = 7204, Level = LogLevel.Error, Message = "FG ticket {CaseNumber} reconciliation refused: HTTP {Status} {DepartmentCode}")]
        public static partial void ReconciliationRefused(ILogger logger, string caseNumber, int status, string departmentCode);
    }
}
