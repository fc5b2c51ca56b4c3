using System.Net;
using System.Security.Cryptography;
using IntegrationHub.Departments.SharedState;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace IntegrationHub.Departments.SocialSecurity;

/// <summary>
/// Delivers applications to the bureau's gateway and asks it for decisions (RS9001; the bureau never calls back).
/// Retries, timeouts and the circuit breaker are the resilience handler's (see <see cref="SocialSecurityRegistration"/>);
/// this class keeps the maintenance window and the per-case query interval, and turns the last answer into an outcome.
/// </summary>
internal sealed class SocialSecurityClient(
    HttpClient http,
    IOptions<SocialSecurityOptions> options,
    SharedQuerySpacing spacing,
    DepartmentHolds holds,
    TimeProvider time,
    ILogger<SocialSecurityClient> logger) : IDepartmentAdapter, IDepartmentStatusQuery
{
    public const string GatewayPath = "si/gateway";
    private const string MaintenanceMessage = "The gateway's nightly maintenance window: held without calling.";
    private const string MaintenanceCode = "9003";

    public string Department => SocialSecurityTranslator.Department;

    public TimeSpan Interval => options.Value.PollInterval;

    public async Task<HandoffOutcome> HandOffAsync(CanonicalApplication application, CancellationToken cancellationToken)
    {
        SocialSecurityRequest request;
        try
        {
            request = SocialSecurityTranslator.ToRequest(application);
        }
        catch (SocialSecurityFormatException e)
        {
            // The hub cannot express this application in the gateway's format: a data defect no retry will fix.
            logger.LogError("RS application {ApplicationId} cannot be translated: {Reason}", application.ApplicationId, e.Message);
            return new HandoffOutcome(HandoffOutcomeKind.Invalid, DepartmentMessage: e.Message);
        }

        var maintenance = options.Value.MaintenanceWindow();
        if (maintenance.Remaining(time.GetUtcNow()) is { } hold)
        {
            // The document: hold every call until the window ends. Nothing is sent, so nothing counts as a failure.
            logger.LogInformation("RS application {ApplicationId} held for the maintenance window: {Hold}", application.ApplicationId, hold);
            return new HandoffOutcome(HandoffOutcomeKind.Held, DepartmentMessage: MaintenanceMessage, RetryAfter: hold);
        }

        if (await holds.RemainingAsync(Department, cancellationToken).ConfigureAwait(false) is { } held)
        {
            return DepartmentHolds.Held(held);
        }

        var exchange = await ExchangeAsync(request, application.TraceParent, cancellationToken).ConfigureAwait(false);
        HandoffOutcome outcome;
        try
        {
            outcome = exchange.Answer is { } answer
                ? SocialSecurityTranslator.ToOutcome(request, answer, exchange.MaintenanceHold)
                : exchange.Failure!;
        }
        catch (SocialSecurityFormatException e)
        {
            // A 0000 without AAZ002 and the like: a retry with the same trans_id finds the case (2001).
            outcome = new HandoffOutcome(HandoffOutcomeKind.Transient, exchange.Answer!.RetCode, e.Message);
        }

        logger.LogInformation("RS application {ApplicationId} delivery ({TradeCode}): {Kind} {DepartmentCode}",
            application.ApplicationId, request.TradeCode, outcome.Kind, outcome.DepartmentCode);
        return outcome with { RequestPayload = exchange.Sent, ResponsePayload = exchange.Received, Calls = exchange.Calls };
    }

    public async Task<StatusQueryResult> QueryAsync(string deliveryKey, string caseNumber, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(caseNumber);
        var settings = options.Value;
        var maintenance = settings.MaintenanceWindow();
        var now = time.GetUtcNow();
        if (maintenance.Remaining(now) is { } hold)
        {
            return new StatusQueryResult(null, hold);
        }

        if (await holds.RemainingAsync(Department, cancellationToken).ConfigureAwait(false) is { } held)
        {
            return new StatusQueryResult(null, held, "held");
        }

        // Held hub-wide: every instance asks the same row before it asks the gateway.
        var (acquired, wait) = await spacing.TryAcquireAsync(caseNumber, settings.MinQueryInterval, cancellationToken).ConfigureAwait(false);
        if (!acquired)
        {
            logger.LogDebug("RS case {CaseNumber} was asked less than {Interval} ago; next in {Wait}", caseNumber, settings.MinQueryInterval, wait);
            return new StatusQueryResult(null, wait);
        }

        var query = SocialSecurityTranslator.ToQuery(caseNumber, NewQueryTransId());
        var exchange = await ExchangeAsync(query, traceParent: null, cancellationToken).ConfigureAwait(false);
        return Status(deliveryKey, caseNumber, query, exchange) with { Calls = exchange.Calls };
    }

    private StatusQueryResult Status(string deliveryKey, string caseNumber, SocialSecurityRequest query, Exchange exchange)
    {
        var settings = options.Value;
        if (exchange.Answer is not { } answer)
        {
            var failure = exchange.Failure!;
            logger.Log(failure.Kind == HandoffOutcomeKind.ConfigurationFault ? LogLevel.Error : LogLevel.Warning,
                "RS9001 for case {CaseNumber} failed: {Reason}", caseNumber, failure.DepartmentMessage);
            return new StatusQueryResult(null, Max(failure.RetryAfter, settings.MinQueryInterval), failure.DepartmentCode);
        }

        StatusQueryResult result;
        try
        {
            result = SocialSecurityTranslator.ToStatus(deliveryKey, caseNumber, query, answer, exchange.MaintenanceHold, settings.MinQueryInterval);
        }
        catch (SocialSecurityFormatException e)
        {
            logger.LogWarning("RS9001 for case {CaseNumber} answered malformed: {Reason}", caseNumber, e.Message);
            return new StatusQueryResult(null, settings.MinQueryInterval, answer.RetCode);
        }

        if (answer.RetCode is "1001" or "1002" or "1003" or "1004")
        {
            // Asked again at the usual interval; a wrong key or an unknown case needs an operator, not a faster loop.
            // ret_msg stays out of the log: a gateway may quote the value it refused, and that may be personal data.
            logger.LogError("RS9001 for case {CaseNumber} refused: {DepartmentCode}", caseNumber, answer.RetCode);
        }
        else
        {
            logger.LogInformation("RS9001 for case {CaseNumber}: {DepartmentCode} {Status}", caseNumber, answer.RetCode, result.Report?.Status);
        }

        return result;
    }

    // Assumption: a query's trans_id is "Q" + 31 random uppercase hex digits (124 bits): unique per query as the
    // document asks of a logical request, and never equal to an application's trans_id (lowercase hex).
    private static string NewQueryTransId() => "Q" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16))[..31];

    private static TimeSpan Max(TimeSpan? a, TimeSpan b) => a is { } value && value > b ? value : b;

    private async Task<Exchange> ExchangeAsync(SocialSecurityRequest request, string? traceParent, CancellationToken cancellationToken)
    {
        using var calls = DepartmentCallLog.Start();
        var (sent, received, answer, failure) = await CallAsync(request, traceParent, cancellationToken).ConfigureAwait(false);
        var maintenanceHold = TimeSpan.Zero;
        if (answer?.RetCode == MaintenanceCode)
        {
            maintenanceHold = await HoldForMaintenanceAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (answer is not null)
        {
            // Assumption: "reset when a call succeeds" is read as "the gateway answered with anything but 9003": any such
            // answer shows that its maintenance is over, so the next unexplained 9003 is held briefly again.
            await holds.SucceededAsync(Department, cancellationToken).ConfigureAwait(false);
        }

        return new Exchange(sent, received, answer, failure, maintenanceHold, calls.Calls);
    }

    // The document: "hold every call until 01:00". The whole gateway is held, so no other delivery or query calls it
    // either. A 9003 our window explains holds until its end; one it cannot explain (a differently configured joint-testing
    // gateway, maintenance running over) holds briefly, then twice as long each time it is answered again.
    private async Task<TimeSpan> HoldForMaintenanceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.MaintenanceWindow().HoldAfterGatewayMaintenance(time.GetUtcNow()) is { } untilEnd)
        {
            await holds.HoldAsync(Department, untilEnd, "9003 in the maintenance window", cancellationToken).ConfigureAwait(false);
            return untilEnd;
        }

        return await holds.HoldGrowingAsync(Department, settings.UnexplainedMaintenanceHold, settings.UnexplainedMaintenanceMaxHold,
            "9003 outside the configured maintenance window", cancellationToken).ConfigureAwait(false);
    }

    private async Task<(string? Sent, string? Received, SocialSecurityAnswer? Answer, HandoffOutcome? Failure)> CallAsync(
        SocialSecurityRequest request, string? traceParent, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, GatewayPath);
        message.Options.Set(SocialSecuritySigningHandler.RequestKey, request);
        message.Options.Set(DepartmentCallHandler.RequestLabel, request.TradeCode);
        // Telemetry hook (issue 14): HttpClient instrumentation rewrites traceparent from the current span; outside any span
        // (a direct call) that span is made part of the submission's trace here, so the department always sees its trace id.
        using var trace = HubTelemetry.ContinueTrace(traceParent);
        if (traceParent is { Length: > 0 })
        {
            // Assumption: a traceparent header beside the envelope is harmless (the document does not forbid extra headers).
            // The submission's trace context, sent as is when no telemetry listens.
            message.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        HandoffOutcome failure;
        try
        {
            using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var received = text.Length == 0 ? null : text;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (Sent(message), received, null, NotOk(response, received));
            }

            try
            {
                return (Sent(message), received, SocialSecurityTranslator.ParseAnswer(text), null);
            }
            catch (SocialSecurityFormatException e)
            {
                // Often a proxy's error page in front of the gateway; a retry with the same trans_id is safe.
                return (Sent(message), received, null, new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentMessage: e.Message));
            }
        }
        catch (DepartmentHeldException e)
        {
            failure = DepartmentHolds.Held(e.Remaining);
        }
        catch (HttpRequestException e)
        {
            failure = new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentMessage: $"Connection failed: {e.HttpRequestError}");
        }
        catch (TimeoutRejectedException)
        {
            failure = new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentMessage: "Timed out.");
        }
        catch (BrokenCircuitException)
        {
            // Polly 8 does not say when the breaker closes; it stays open at most BreakDuration.
            failure = new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentMessage: "Circuit open: the gateway failed repeatedly.",
                RetryAfter: options.Value.Resilience.BreakDuration);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failure = new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentMessage: "Timed out.");
        }

        return (Sent(message), null, null, failure);
    }

    // What the last attempt sent, exactly; null when no attempt was made (an open circuit).
    private static string? Sent(HttpRequestMessage message) =>
        message.Options.TryGetValue(SocialSecuritySigningHandler.SentKey, out var sent) ? sent : null;

    private HandoffOutcome NotOk(HttpResponseMessage response, string? body)
    {
        if (DepartmentHolds.Announced(response, time) is { } announced)
        {
            return announced with { ResponsePayload = body };
        }

        var status = (int)response.StatusCode;
        var kind = status is >= 500 or 408 or 429
            ? HandoffOutcomeKind.Transient

            // Assumption: the document defines no HTTP status but 200; any other 4xx means a wrong BaseUrl or a
            // gateway refusing us, which only a configuration change fixes.
            : HandoffOutcomeKind.ConfigurationFault;
        return new HandoffOutcome(kind, DepartmentMessage: $"HTTP {status}", ResponsePayload: body);
    }

    /// <summary>
    /// One call to the gateway: what was sent and received, either the parsed answer or why there is none, how long a
    /// 9003 holds the gateway, and every request it took (in-client retries included).
    /// </summary>
    private sealed record Exchange(
        string? Sent,
        string? Received,
        SocialSecurityAnswer? Answer,
        HandoffOutcome? Failure,
        TimeSpan MaintenanceHold,
        IReadOnlyList<DepartmentCall> Calls);
}
