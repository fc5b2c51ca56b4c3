using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>
/// Receives the bureau's signed notifications (<c>POST /api/v1/departments/ga/notifications</c> in both hosts):
/// verify, translate, hand to the status sink, acknowledge.
/// </summary>
public sealed partial class PublicSecurityNotifications
{
    internal const int MaxBodyBytes = 64 * 1024;

    private readonly PublicSecurityOptions _options;
    private readonly PublicSecuritySigner _signer;
    private readonly IDepartmentStatusSink _sink;
    private readonly ILogger<PublicSecurityNotifications> _logger;

    internal PublicSecurityNotifications(
        IOptions<PublicSecurityOptions> options,
        PublicSecuritySigner signer,
        IDepartmentStatusSink sink,
        ILogger<PublicSecurityNotifications> logger)
    {
        _options = options.Value;
        _signer = signer;
        _sink = sink;
        _logger = logger;
    }

    // Assumption: X-SJS is not remembered here. A replay inside the 300 s window carries the same SLBH|BLZT|BLSJ,
    // which the sink already recognises as a duplicate, so a nonce store would add state without adding safety.
    public async Task<IResult> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (body, tooLarge) = await RequestBody.ReadBytesAsync(request, MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        // Everything is checked before anything is parsed, and nothing is changed unless all of it holds.
        var headers = request.Headers;
        string? accessUnit = headers[PublicSecuritySignature.AccessUnitHeader];
        var check = accessUnit == _options.BureauCode
            ? _signer.Verify(accessUnit, headers[PublicSecuritySignature.TimestampHeader], headers[PublicSecuritySignature.NonceHeader],
                headers[PublicSecuritySignature.SignatureHeader], body!, _options.ClockSkew)
            : SignatureCheck.BadSignature;
        if (check != SignatureCheck.Valid)
        {
            Log.Refused(_logger, check, accessUnit);
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "The notification is not signed by the bureau, or its timestamp is outside the allowed window.");
        }

        DepartmentStatusReport report;
        try
        {
            report = PublicSecurityTranslator.ToReport(body);
        }
        catch (PublicSecurityFormatException e)
        {
            Log.Malformed(_logger, e.Message);
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request", detail: e.Message);
        }

        var outcome = await _sink.ApplyAsync(report, cancellationToken).ConfigureAwait(false);
        if (outcome == ReportOutcome.UnknownApplication)
        {
            // Acknowledged all the same: the bureau would re-send five times and the answer would not change.
            Log.UnknownApplication(_logger, report.CaseNumber, report.DepartmentCode);
        }

        // Applied, Duplicate and Stale alike: the hub has it, so the bureau must stop re-sending.
        return Results.Bytes(PublicSecurityTranslator.NotifyAck, PublicSecurityTranslator.ContentType);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7111, Level = LogLevel.Warning, Message = "GA notification refused: {Check} (X-JRDW {AccessUnit})")]
        public static partial void Refused(ILogger logger, SignatureCheck check, string? accessUnit);

        [LoggerMessage(EventId = 7112, Level = LogLevel.Warning, Message = "GA notification malformed: {Reason}")]
        public static partial void Malformed(ILogger logger, string reason);

        [LoggerMessage(EventId = 7113, Level = LogLevel.Warning, Message = "GA notification for an unknown application: case {CaseNumber}, BLZT {DepartmentCode}")]
        public static partial void UnknownApplication(ILogger logger, string? caseNumber, string departmentCode);
    }
}
