using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.Housing;

/// <summary>
/// Receives the bureau's signed webhooks (<c>POST /api/v1/departments/fg/webhooks</c> in both hosts): verify, translate,
/// hand to the status sink, acknowledge. Repeats and out-of-order events are the status model's to judge.
/// </summary>
public sealed partial class HousingWebhooks
{
    public const string SignatureHeader = "X-FG-Signature";

    internal const int MaxBodyBytes = 64 * 1024;
    private const string SignaturePrefix = "sha256=";

    private readonly byte[] _key;
    private readonly IDepartmentStatusSink _sink;
    private readonly ILogger<HousingWebhooks> _logger;

    internal HousingWebhooks(IOptions<HousingOptions> options, IDepartmentStatusSink sink, ILogger<HousingWebhooks> logger)
    {
        _key = Encoding.UTF8.GetBytes(options.Value.WebhookSecret);
        _sink = sink;
        _logger = logger;
    }

    public async Task<IResult> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (body, tooLarge) = await RequestBody.ReadBytesAsync(request, MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        // The signature over the raw bytes first; nothing is parsed, let alone changed, unless it holds. Assumption: no
        // replay window (the document gives webhooks no timestamp); a repeat is recognised by its event_id downstream.
        if (!IsSigned(request.Headers[SignatureHeader], body!))
        {
            Log.Refused(_logger, SignatureHeader);
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: $"The webhook is not signed with the client's webhook secret ({SignatureHeader}).");
        }

        DepartmentStatusReport report;
        try
        {
            report = HousingTranslator.ToReport(body);
        }
        catch (HousingFormatException e)
        {
            Log.Malformed(_logger, e.Field, e.Reason);
            return Problems.Field(e.Field, e.Reason);
        }

        var outcome = await _sink.ApplyAsync(report, cancellationToken).ConfigureAwait(false);
        if (outcome == ReportOutcome.UnknownApplication)
        {
            // Acknowledged all the same: the bureau would re-send for 24 hours and the answer would not change.
            Log.UnknownApplication(_logger, report.CaseNumber, report.DepartmentCode);
        }

        // Applied, Duplicate, Stale and UnknownApplication alike: the hub has it, so the bureau must stop re-sending.
        return Results.Ok();
    }

    // sha256=<64 hex>. Assumption: the hex is compared as bytes, so upper-case hex is accepted too; the prefix is exact.
    private bool IsSigned(string? header, byte[] body)
    {
        if (header is null || !header.StartsWith(SignaturePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var expected = HMACSHA256.HashData(_key, body);
        var hex = header.AsSpan(SignaturePrefix.Length);
        var presented = new byte[expected.Length];
        return hex.Length == expected.Length * 2
            && Convert.FromHexString(hex, presented, out _, out _) == OperationStatus.Done
            && CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7211, Level = LogLevel.Warning, Message = "FG webhook refused: missing or bad {Header}")]
        public static partial void Refused(ILogger logger, string header);

        [LoggerMessage(EventId = 7212, Level = LogLevel.Warning, Message = "FG webhook malformed: {Field} {Reason}")]
        public static partial void Malformed(ILogger logger, string field, string reason);

        [LoggerMessage(EventId = 7213, Level = LogLevel.Warning, Message = "FG webhook for an unknown application: ticket {CaseNumber}, status {DepartmentCode}")]
        public static partial void UnknownApplication(ILogger logger, string? caseNumber, string departmentCode);
    }
}
