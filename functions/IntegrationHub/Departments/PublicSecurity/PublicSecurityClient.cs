using System.Net;
using System.Net.Http.Headers;
using IntegrationHub.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>
/// Delivers applications to the bureau. Retries, timeouts and the circuit breaker are the resilience handler's
/// (see <see cref="PublicSecurityRegistration"/>); this class turns the last answer into a <see cref="HandoffOutcome"/>.
/// </summary>
internal sealed class PublicSecurityClient(
    HttpClient http,
    IOptions<PublicSecurityOptions> options,
    DepartmentHolds holds,
    TimeProvider time,
    ILogger<PublicSecurityClient> logger) : IDepartmentAdapter
{
    public const string ApplicationsPath = "population/v2/applications";

    public string Department => PublicSecurityTranslator.Department;

    public async Task<HandoffOutcome> HandOffAsync(CanonicalApplication application, CancellationToken cancellationToken)
    {
        var outcome = await SendAsync(application, cancellationToken).ConfigureAwait(false);
        if (outcome is not { Kind: HandoffOutcomeKind.Received, DepartmentCode: "2004" } || !PublicSecurityTranslator.IsInstant(application.ItemCode))
        {
            return outcome;
        }

        // Assumption: 2004 to an instant item means the bureau answered it before and that answer (its only result) was
        // lost; no notification follows an instant item, so "treat as 0000" would wait forever. SFZJD is a read-only
        // progress query, so the hub asks it again under a fresh LSH derived from the fixed one.
        var again = await SendAsync(application with { HandoffKey = RequeryKey(application.HandoffKey) }, cancellationToken).ConfigureAwait(false);
        return again with { Calls = [.. outcome.Calls ?? [], .. again.Calls ?? []] };
    }

    // The fixed key (32 hex characters) plus "-Q" and five random characters stays within the LSH's 40 [A-Za-z0-9-].
    private static string RequeryKey(string deliveryKey) =>
        $"{deliveryKey[..Math.Min(deliveryKey.Length, 33)]}-Q{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))[..5]}";

    private async Task<HandoffOutcome> SendAsync(CanonicalApplication application, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = PublicSecurityTranslator.ToRequest(application);
        }
        catch (PublicSecurityFormatException e)
        {
            // The hub cannot express this application in the bureau's format: a data defect no retry will fix.
            logger.LogError("GA application {ApplicationId} cannot be translated: {Reason}", application.ApplicationId, e.Message);
            return new HandoffOutcome(HandoffOutcomeKind.Invalid, DepartmentMessage: e.Message);
        }

        if (await holds.RemainingAsync(Department, cancellationToken).ConfigureAwait(false) is { } held)
        {
            return DepartmentHolds.Held(held);
        }

        var requestPayload = PublicSecurityTranslator.Decode(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, ApplicationsPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(PublicSecurityTranslator.ContentType);
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
        catch (HttpRequestException e)
        {
            outcome = new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentMessage: $"Connection failed: {e.HttpRequestError}");
        }
        catch (TimeoutRejectedException)
        {
            outcome = new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentMessage: "Timed out.");
        }
        catch (DepartmentHeldException e)
        {
            // Another call was told to wait while this one was between attempts.
            outcome = DepartmentHolds.Held(e.Remaining);
        }
        catch (BrokenCircuitException)
        {
            // Polly 8.4 does not say when the breaker closes; it stays open at most BreakDuration.
            outcome = new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentMessage: "Circuit open: the bureau failed repeatedly.",
                RetryAfter: options.Value.Resilience.BreakDuration);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentMessage: "Timed out.");
        }

        logger.LogInformation("GA application {ApplicationId} delivery: {Kind} {DepartmentCode}",
            application.ApplicationId, outcome.Kind, outcome.DepartmentCode);
        return outcome with { RequestPayload = requestPayload, Calls = calls.Calls };
    }

    private HandoffOutcome Classify(HttpResponseMessage response, byte[] body)
    {
        var payload = TryDecode(body);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            try
            {
                return PublicSecurityTranslator.ToOutcome(body) with { ResponsePayload = payload };
            }
            catch (PublicSecurityFormatException e)
            {
                // Often a proxy's error page in front of the bureau; a retry after a lost 0000 returns 2004 with the SLBH.
                return new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentMessage: e.Message, ResponsePayload: payload);
            }
        }

        // The document: 503 with Retry-After is planned maintenance, not to be called again before that time.
        if (DepartmentHolds.Announced(response, time) is { } announced)
        {
            return announced with { ResponsePayload = payload };
        }

        var status = (int)response.StatusCode;
        var kind = status is >= 500 or 408 or 429
            ? HandoffOutcomeKind.Transient

            // Assumption: the document defines only 200 and 503; any other status means a wrong BaseUrl or a gateway
            // refusing us, which only a configuration change fixes.
            : HandoffOutcomeKind.ConfigurationFault;
        return new HandoffOutcome(kind, DepartmentMessage: $"HTTP {status}", ResponsePayload: payload);
    }

    private static string? TryDecode(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return PublicSecurityTranslator.Decode(body);
        }
        catch (PublicSecurityFormatException)
        {
            return Convert.ToBase64String(body);
        }
    }
}
