using System.Security.Cryptography;
using System.Text;
using IntegrationHub.Contracts;
using IntegrationHub.Departments.SharedState;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.SocialSecurity;

/// <summary>
/// Delivers applications to the bureau's gateway and asks it for decisions (RS9001; the bureau never calls back).
/// Retries, timeouts and the circuit breaker are the resilience handler's (see <see cref="SocialSecurityRegistration"/>);
/// this class keeps the maintenance window and the per-case query interval, and turns the last answer into an outcome.
/// </summary>
internal sealed partial class SocialSecurityClient(
    HttpClient http,
    IOptions<SocialSecurityOptions> options,
    SharedQuerySpacing spacing,
    DepartmentRateShares shares,
    DepartmentHolds holds,
    TimeProvider time,
    ILogger<SocialSecurityClient> logger) : IDepartmentAdapter, IDepartmentStatusQuery
{
    public const string GatewayPath = "si/gateway";
    private const string MaintenanceMessage = "The gateway's nightly maintenance window: held without calling.";
    private const string MaintenanceCode = "9003";

    private readonly DepartmentTransport _transport = new(SocialSecurityTranslator.Department, holds, time, () => options.Value.Resilience, logger);

    public string Department => SocialSecurityTranslator.Department;

    public TimeSpan Interval => options.Value.PollInterval;

    public async Task<HandoffOutcome> HandOffAsync(CanonicalApplication application, CancellationToken cancellationToken)
    {
        if (_transport.Translate<SocialSecurityFormatException, SocialSecurityRequest>(() => SocialSecurityTranslator.ToRequest(application),
            application.ApplicationId, out var request) is { } invalid)
        {
            return invalid;
        }

        return await SendTradeAsync(application.ApplicationId, request!, application.TraceParent, SocialSecurityTranslator.ToOutcome, cancellationToken)
            .ConfigureAwait(false);
    }

    // Every trade but the decision query: held through the maintenance window, else sent and its answer classed.
    private async Task<HandoffOutcome> SendTradeAsync(
        string subject,
        SocialSecurityRequest request,
        string? traceParent,
        Func<SocialSecurityRequest, SocialSecurityAnswer, TimeSpan, HandoffOutcome> toOutcome,
        CancellationToken cancellationToken)
    {
        var maintenance = options.Value.MaintenanceWindow();
        if (maintenance.Remaining(time.GetUtcNow()) is { } hold)
        {
            // The document: hold every call until the window ends. Nothing is sent, so nothing counts as a failure.
            Log.MaintenanceHeld(logger, subject, hold);
            return new HandoffOutcome(HandoffOutcomeKind.Held, DepartmentMessage: MaintenanceMessage, RetryAfter: hold);
        }

        var exchange = await ExchangeAsync(request, traceParent, paced: false, cancellationToken).ConfigureAwait(false);
        HandoffOutcome outcome;
        try
        {
            outcome = exchange.Answer is { } answer
                ? toOutcome(request, answer, exchange.MaintenanceHold)
                : exchange.Failure!;
        }
        catch (SocialSecurityFormatException e)
        {
            // A 0000 without AAZ002 (or CLID) and the like: a retry with the same trans_id finds it (2001).
            outcome = new HandoffOutcome(HandoffOutcomeKind.Transient, exchange.Answer!.RetCode, e.Message);
        }

        Log.Sent(logger, subject, request.TradeCode, outcome.Kind, outcome.DepartmentCode);
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

        if (await _transport.HeldForAsync(cancellationToken).ConfigureAwait(false) is { } held)
        {
            return new StatusQueryResult(null, held, "held");
        }

        // The gateway's call rate first, then the case's spacing, then the call at once: another instance reading the claim
        // allows ClockSkew for the question leaving after it, which a wait for the paced slot (up to MaxWait) would exceed.
        try
        {
            await shares.AcquireAsync(Department, cancellationToken).ConfigureAwait(false);
        }
        catch (DepartmentHeldException e)
        {
            return new StatusQueryResult(null, e.Remaining, "held");
        }

        // Held hub-wide: every instance asks the same row before it asks the gateway.
        var (acquired, wait) = await spacing.TryAcquireAsync(caseNumber, settings.MinQueryInterval, cancellationToken).ConfigureAwait(false);
        if (!acquired)
        {
            Log.Spaced(logger, caseNumber, settings.MinQueryInterval, wait);
            return new StatusQueryResult(null, wait);
        }

        var query = SocialSecurityTranslator.ToQuery(caseNumber, NewQueryTransId());
        var exchange = await ExchangeAsync(query, traceParent: null, paced: true, cancellationToken).ConfigureAwait(false);
        return Status(deliveryKey, caseNumber, query, exchange) with { Calls = exchange.Calls };
    }

    private StatusQueryResult Status(string deliveryKey, string caseNumber, SocialSecurityRequest query, Exchange exchange)
    {
        var settings = options.Value;
        if (exchange.Answer is not { } answer)
        {
            var failure = exchange.Failure!;
            Log.QueryFailed(logger, failure.Kind == HandoffOutcomeKind.ConfigurationFault ? LogLevel.Error : LogLevel.Warning,
                caseNumber, failure.DepartmentMessage);
            return new StatusQueryResult(null, Max(failure.RetryAfter, settings.MinQueryInterval), failure.DepartmentCode);
        }

        StatusQueryResult result;
        try
        {
            result = SocialSecurityTranslator.ToStatus(deliveryKey, caseNumber, query, answer, exchange.MaintenanceHold, settings.MinQueryInterval);
        }
        catch (SocialSecurityFormatException e)
        {
            Log.QueryMalformed(logger, caseNumber, e.Message);
            return new StatusQueryResult(null, settings.MinQueryInterval, answer.RetCode);
        }

        if (answer.RetCode is "1001" or "1002" or "1003" or "1004")
        {
            // Asked again at the usual interval; a wrong key or an unknown case needs an operator, not a faster loop.
            // ret_msg stays out of the log: a gateway may quote the value it refused, and that may be personal data.
            Log.QueryRefused(logger, caseNumber, answer.RetCode);
        }
        else
        {
            Log.Queried(logger, caseNumber, answer.RetCode, result.Report?.Status);
        }

        return result;
    }

    // Assumption: a query's trans_id is "Q" + 31 random uppercase hex digits (124 bits): unique per query as the
    // document asks of a logical request, and never equal to an application's trans_id (lowercase hex).
    private static string NewQueryTransId() => "Q" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16))[..31];

    private static TimeSpan Max(TimeSpan? a, TimeSpan b) => a is { } value && value > b ? value : b;

    private async Task<Exchange> ExchangeAsync(SocialSecurityRequest request, string? traceParent, bool paced, CancellationToken cancellationToken)
    {
        var (sent, received, answer, failure, calls) = await CallAsync(request, traceParent, paced, cancellationToken).ConfigureAwait(false);
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

        return new Exchange(sent, received, answer, failure, maintenanceHold, calls);
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

    private async Task<(string? Sent, string? Received, SocialSecurityAnswer? Answer, HandoffOutcome? Failure, IReadOnlyList<DepartmentCall> Calls)> CallAsync(
        SocialSecurityRequest request, string? traceParent, bool paced, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, GatewayPath);
        message.Options.Set(SocialSecuritySigningHandler.RequestKey, request);
        message.Options.Set(DepartmentCallHandler.RequestLabel, request.TradeCode);
        message.Options.Set(DepartmentCallHandler.Paced, paced);
        var exchange = await _transport.SendAsync(http, message, traceParent, cancellationToken).ConfigureAwait(false);
        var received = exchange.Body.Length == 0 ? null : Encoding.UTF8.GetString(exchange.Body);
        if (exchange.Failure is { } failure)
        {
            return (Sent(message), received, null, failure with { ResponsePayload = received }, exchange.Calls);
        }

        if (exchange.Status != 200)
        {
            // Assumption: the document defines no HTTP status but 200 (DepartmentTransport.UnexpectedStatus).
            return (Sent(message), received, null, DepartmentTransport.UnexpectedStatus(exchange.Status!.Value, received), exchange.Calls);
        }

        try
        {
            return (Sent(message), received, SocialSecurityTranslator.ParseAnswer(received ?? ""), null, exchange.Calls);
        }
        catch (SocialSecurityFormatException e)
        {
            // Often a proxy's error page in front of the gateway; a retry with the same trans_id is safe.
            return (Sent(message), received, null, new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentMessage: e.Message), exchange.Calls);
        }
    }

    // What the last attempt sent, exactly; null when no attempt was made (an open circuit).
    private static string? Sent(HttpRequestMessage message) =>
        message.Options.TryGetValue(SocialSecuritySigningHandler.SentKey, out var sent) ? sent : null;

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

    private static partial class Log
    {
        [LoggerMessage(EventId = 7301, Level = LogLevel.Information, Message = "RS {Subject} held for the maintenance window: {Hold}")]
        public static partial void MaintenanceHeld(ILogger logger, string subject, TimeSpan hold);

        [LoggerMessage(EventId = 7302, Level = LogLevel.Information, Message = "RS {Subject} {TradeCode}: {Kind} {DepartmentCode}")]
        public static partial void Sent(ILogger logger, string subject, string tradeCode, HandoffOutcomeKind kind, string? departmentCode);

        [LoggerMessage(EventId = 7303, Level = LogLevel.Debug, Message = "RS case {CaseNumber} was asked less than {Interval} ago; next in {Wait}")]
        public static partial void Spaced(ILogger logger, string caseNumber, TimeSpan interval, TimeSpan wait);

        [LoggerMessage(EventId = 7304, Message = "RS9001 for case {CaseNumber} failed: {Reason}")]
        public static partial void QueryFailed(ILogger logger, LogLevel level, string caseNumber, string? reason);

        [LoggerMessage(EventId = 7305, Level = LogLevel.Warning, Message = "RS9001 for case {CaseNumber} answered malformed: {Reason}")]
        public static partial void QueryMalformed(ILogger logger, string caseNumber, string reason);

        // ret_msg stays out of the log: a gateway may quote the value it refused, and that may be personal data.
        [LoggerMessage(EventId = 7306, Level = LogLevel.Error, Message = "RS9001 for case {CaseNumber} refused: {DepartmentCode}")]
        public static partial void QueryRefused(ILogger logger, string caseNumber, string departmentCode);

        [LoggerMessage(EventId = 7307, Level = LogLevel.Information, Message = "RS9001 for case {CaseNumber}: {DepartmentCode} {Status}")]
        public static partial void Queried(ILogger logger, string caseNumber, string departmentCode, ApplicationStatus? status);
    }
}
