using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>
/// Delivers applications to the bureau. Retries, timeouts and the circuit breaker are the resilience handler's
/// (see <see cref="PublicSecurityRegistration"/>); this class turns the last answer into a <see cref="HandoffOutcome"/>.
/// </summary>
internal sealed partial class PublicSecurityClient(
    HttpClient http,
    IOptions<PublicSecurityOptions> options,
    DepartmentHolds holds,
    TimeProvider time,
    ILogger<PublicSecurityClient> logger) : IDepartmentAdapter
{
    public const string ApplicationsPath = "population/v2/applications";

    private readonly DepartmentTransport _transport = new(PublicSecurityTranslator.Department, holds, time, () => options.Value.Resilience, logger);

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
        if (_transport.Translate<PublicSecurityFormatException, byte[]>(() => PublicSecurityTranslator.ToRequest(application),
            application.ApplicationId, out var body) is { } invalid)
        {
            return invalid;
        }

        var requestPayload = PublicSecurityTranslator.Decode(body!);
        using var request = new HttpRequestMessage(HttpMethod.Post, ApplicationsPath) { Content = new ByteArrayContent(body!) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(PublicSecurityTranslator.ContentType);
        var exchange = await _transport.SendAsync(http, request, application.TraceParent, cancellationToken).ConfigureAwait(false);
        var outcome = Classify(exchange, static answer => PublicSecurityTranslator.ToOutcome(answer));
        Log.HandedOff(logger, application.ApplicationId, outcome.Kind, outcome.DepartmentCode);
        return outcome with { RequestPayload = requestPayload, Calls = exchange.Calls };
    }

    // Assumption: the document defines only 200 and 503 for every request it publishes; any other status means a wrong
    // BaseUrl or a gateway refusing us (DepartmentTransport.UnexpectedStatus).
    private static HandoffOutcome Classify(DepartmentExchange exchange, Func<byte[], HandoffOutcome> toOutcome)
    {
        var payload = TryDecode(exchange.Body);
        if (exchange.Failure is { } failure)
        {
            return failure with { ResponsePayload = payload };
        }

        if (exchange.Status != 200)
        {
            return DepartmentTransport.UnexpectedStatus(exchange.Status!.Value, payload);
        }

        try
        {
            return toOutcome(exchange.Body) with { ResponsePayload = payload };
        }
        catch (PublicSecurityFormatException e)
        {
            // Often a proxy's error page in front of the bureau; a retry after a lost 0000 returns 2004 with the SLBH.
            return new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentMessage: e.Message, ResponsePayload: payload);
        }
    }

    private static string? TryDecode(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return PublicSecurityTranslator.Decode(body!);
        }
        catch (PublicSecurityFormatException)
        {
            return Convert.ToBase64String(body);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "GA application {ApplicationId} hand-off: {Kind} {DepartmentCode}")]
        public static partial void HandedOff(ILogger logger, string applicationId, HandoffOutcomeKind kind, string? departmentCode);
    }
}
