using System.Net;
using System.Security.Cryptography;
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
    SocialSecurityQueryGuard guard,
    TimeProvider time,
    ILogger<SocialSecurityClient> logger) : IDepartmentAdapter, IDepartmentStatusQuery
{
    public const string GatewayPath = "si/gateway";
    private const string MaintenanceMessage = "The gateway's nightly maintenance window: held without calling.";

    public string Department => SocialSecurityTranslator.Department;

    public TimeSpan Interval => options.Value.PollInterval;

    public async Task<DeliveryOutcome> DeliverAsync(CanonicalApplication application, CancellationToken cancellationToken)
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
            return new DeliveryOutcome(DeliveryOutcomeKind.Invalid, DepartmentMessage: e.Message);
        }

        var maintenance = options.Value.MaintenanceWindow();
        if (maintenance.Remaining(time.GetUtcNow()) is { } hold)
        {
            // The document: hold every call until the window ends. Nothing is sent, so nothing counts as a failure.
            logger.LogInformation("RS application {ApplicationId} held for the maintenance window: {Hold}", application.ApplicationId, hold);
            return new DeliveryOutcome(DeliveryOutcomeKind.Held, DepartmentMessage: MaintenanceMessage, RetryAfter: hold);
        }

        var exchange = await ExchangeAsync(request, application.TraceParent, cancellationToken).ConfigureAwait(false);
        DeliveryOutcome outcome;
        try
        {
            outcome = exchange.Answer is { } answer
                ? SocialSecurityTranslator.ToOutcome(request, answer, maintenance.HoldAfterGatewayMaintenance(time.GetUtcNow()))
                : exchange.Failure!;
        }
        catch (SocialSecurityFormatException e)
        {
            // A 0000 without AAZ002 and the like: a retry with the same trans_id finds the case (2001).
            outcome = new DeliveryOutcome(DeliveryOutcomeKind.Transient, exchange.Answer!.RetCode, e.Message);
        }

        logger.LogInformation("RS application {ApplicationId} delivery ({TradeCode}): {Kind} {DepartmentCode}",
            application.ApplicationId, request.TradeCode, outcome.Kind, outcome.DepartmentCode);
        return outcome with { RequestPayload = exchange.Sent, ResponsePayload = exchange.Received };
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

        if (!guard.TryAcquire(caseNumber, now, settings.MinQueryInterval, out var wait))
        {
            logger.LogDebug("RS case {CaseNumber} was asked less than {Interval} ago; next in {Wait}", caseNumber, settings.MinQueryInterval, wait);
            return new StatusQueryResult(null, wait);
        }

        var query = SocialSecurityTranslator.ToQuery(caseNumber, NewQueryTransId());
        var exchange = await ExchangeAsync(query, traceParent: null, cancellationToken).ConfigureAwait(false);
        if (exchange.Answer is not { } answer)
        {
            var failure = exchange.Failure!;
            logger.Log(failure.Kind == DeliveryOutcomeKind.ConfigurationFault ? LogLevel.Error : LogLevel.Warning,
                "RS9001 for case {CaseNumber} failed: {Reason}", caseNumber, failure.DepartmentMessage);
            return new StatusQueryResult(null, Max(failure.RetryAfter, settings.MinQueryInterval));
        }

        StatusQueryResult result;
        try
        {
            result = SocialSecurityTranslator.ToStatus(deliveryKey, caseNumber, query, answer,
                maintenance.HoldAfterGatewayMaintenance(time.GetUtcNow()), settings.MinQueryInterval);
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
        using var message = new HttpRequestMessage(HttpMethod.Post, GatewayPath);
        message.Options.Set(SocialSecuritySigningHandler.RequestKey, request);
        if (traceParent is { Length: > 0 })
        {
            // Assumption: a traceparent header beside the envelope is harmless (the document does not forbid extra headers).
            // The submission's trace context; HttpClient's own propagation leaves an existing header alone.
            message.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        DeliveryOutcome failure;
        try
        {
            using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var received = text.Length == 0 ? null : text;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new Exchange(Sent(message), received, null, NotOk(response, received));
            }

            try
            {
                return new Exchange(Sent(message), received, SocialSecurityTranslator.ParseAnswer(text), null);
            }
            catch (SocialSecurityFormatException e)
            {
                // Often a proxy's error page in front of the gateway; a retry with the same trans_id is safe.
                return new Exchange(Sent(message), received, null, new DeliveryOutcome(DeliveryOutcomeKind.Transient, DepartmentMessage: e.Message));
            }
        }
        catch (HttpRequestException e)
        {
            failure = new DeliveryOutcome(DeliveryOutcomeKind.Transient, DepartmentMessage: $"Connection failed: {e.HttpRequestError}");
        }
        catch (TimeoutRejectedException)
        {
            failure = new DeliveryOutcome(DeliveryOutcomeKind.Transient, DepartmentMessage: "Timed out.");
        }
        catch (BrokenCircuitException)
        {
            // Polly 8 does not say when the breaker closes; it stays open at most BreakDuration.
            failure = new DeliveryOutcome(DeliveryOutcomeKind.Transient, DepartmentMessage: "Circuit open: the gateway failed repeatedly.",
                RetryAfter: options.Value.Resilience.BreakDuration);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failure = new DeliveryOutcome(DeliveryOutcomeKind.Transient, DepartmentMessage: "Timed out.");
        }

        return new Exchange(Sent(message), null, null, failure);
    }

    // What the last attempt sent, exactly; null when no attempt was made (an open circuit).
    private static string? Sent(HttpRequestMessage message) =>
        message.Options.TryGetValue(SocialSecuritySigningHandler.SentKey, out var sent) ? sent : null;

    private DeliveryOutcome NotOk(HttpResponseMessage response, string? body)
    {
        var status = (int)response.StatusCode;
        var kind = status is >= 500 or 408 or 429
            ? DeliveryOutcomeKind.Transient

            // Assumption: the document defines no HTTP status but 200; any other 4xx means a wrong BaseUrl or a
            // gateway refusing us, which only a configuration change fixes.
            : DeliveryOutcomeKind.ConfigurationFault;
        return new DeliveryOutcome(kind, DepartmentMessage: $"HTTP {status}", RetryAfter: RetryAfter(response), ResponsePayload: body);
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>One call to the gateway: what was sent and received, and either the parsed answer or why there is none.</summary>
    private sealed record Exchange(string? Sent, string? Received, SocialSecurityAnswer? Answer, DeliveryOutcome? Failure);
}
