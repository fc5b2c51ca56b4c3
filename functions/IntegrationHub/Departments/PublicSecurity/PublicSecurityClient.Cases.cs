using System.Net.Http.Headers;

namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>Interface v2.2 on the same client: material uploads, supplements (BZTJ) and withdrawals (CHSQ).</summary>
internal sealed partial class PublicSecurityClient : IDepartmentCaseRequests
{
    public const string MaterialsPath = "population/v2/materials";

    public async Task<MaterialUploadOutcome> UploadAsync(string itemCode, MaterialFile file, CancellationToken cancellationToken)
    {
        if (_transport.Translate<PublicSecurityFormatException, string>(() => PublicSecurityTranslator.MaterialCode(itemCode, file),
            itemCode, out var code) is { } invalid)
        {
            return DepartmentTransport.Upload(invalid);
        }

        // The body is the file's raw bytes; the signing handler hashes exactly these, as the document asks.
        using var request = new HttpRequestMessage(HttpMethod.Post, MaterialsPath) { Content = new ReadOnlyMemoryContent(file.Content) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(file.MediaType);
        request.Headers.TryAddWithoutValidation(PublicSecurityTranslator.MaterialCodeHeader, code);
        var exchange = await _transport.SendAsync(http, request, traceParent: null, cancellationToken).ConfigureAwait(false);
        var outcome = Classify(exchange, static answer => PublicSecurityTranslator.ToUploadOutcome(answer));
        Log.Uploaded(logger, itemCode, file.Code, outcome.Kind, outcome.DepartmentCode);
        return DepartmentTransport.Upload(outcome with { Calls = exchange.Calls });
    }

    public Task<HandoffOutcome> SupplementAsync(SupplementRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendCaseRequestAsync(request.ApplicationId, request.TraceParent,
            () => PublicSecurityTranslator.ToSupplement(request, time.GetUtcNow()), cancellationToken);
    }

    public Task<HandoffOutcome> WithdrawAsync(WithdrawalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendCaseRequestAsync(request.ApplicationId, request.TraceParent,
            () => PublicSecurityTranslator.ToWithdrawal(request, time.GetUtcNow()), cancellationToken);
    }

    // Both go to the applications URL, as YWLX BZTJ and CHSQ.
    private Task<HandoffOutcome> SendCaseRequestAsync(string applicationId, string? traceParent, Func<byte[]> translate, CancellationToken cancellationToken) =>
        SendXmlAsync(applicationId, traceParent, translate, static answer => PublicSecurityTranslator.ToCaseOutcome(answer), cancellationToken);
}
