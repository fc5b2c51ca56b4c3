namespace IntegrationHub.Departments.SocialSecurity;

/// <summary>Gateway v3.1 on the same client: RS9101 uploads, RS9102 supplements and RS9103 withdrawals.</summary>
internal sealed partial class SocialSecurityClient : IDepartmentCaseRequests
{
    public async Task<MaterialUploadOutcome> UploadAsync(string itemCode, MaterialFile file, CancellationToken cancellationToken)
    {
        if (_transport.Translate<SocialSecurityFormatException, SocialSecurityRequest>(() => SocialSecurityTranslator.ToUpload(itemCode, file),
            itemCode, out var request) is { } invalid)
        {
            return DepartmentTransport.Upload(invalid);
        }

        // The envelope carries the whole file in base64: it is not kept as the request payload.
        var outcome = await SendTradeAsync(itemCode, request!, traceParent: null, SocialSecurityTranslator.ToUploadOutcome, cancellationToken).ConfigureAwait(false);
        return DepartmentTransport.Upload(outcome);
    }

    public Task<HandoffOutcome> SupplementAsync(SupplementRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendCaseTradeAsync(request.ApplicationId, request.TraceParent, () => SocialSecurityTranslator.ToSupplement(request), cancellationToken);
    }

    public Task<HandoffOutcome> WithdrawAsync(WithdrawalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendCaseTradeAsync(request.ApplicationId, request.TraceParent, () => SocialSecurityTranslator.ToWithdrawal(request), cancellationToken);
    }

    private async Task<HandoffOutcome> SendCaseTradeAsync(
        string applicationId, string? traceParent, Func<SocialSecurityRequest> translate, CancellationToken cancellationToken)
    {
        if (_transport.Translate<SocialSecurityFormatException, SocialSecurityRequest>(translate, applicationId, out var trade) is { } invalid)
        {
            return invalid;
        }

        return await SendTradeAsync(applicationId, trade!, traceParent, SocialSecurityTranslator.ToCaseOutcome, cancellationToken).ConfigureAwait(false);
    }
}
