using System.Net.Http.Headers;

namespace IntegrationHub.Departments.Housing;

/// <summary>Open API v2.3 on the same client: file uploads, supplements and withdrawals, with the same token.</summary>
internal sealed partial class HousingClient : IDepartmentCaseRequests
{
    public async Task<MaterialUploadOutcome> UploadAsync(string itemCode, MaterialFile file, CancellationToken cancellationToken)
    {
        if (_transport.Translate<HousingFormatException, (string TypeCode, string FileName)>(() => HousingTranslator.ToUpload(itemCode, file),
            itemCode, out var upload) is { } invalid)
        {
            return DepartmentTransport.Upload(invalid);
        }

        // Buffered parts, so every attempt of the resilience handler sends the same bytes again.
        var part = new ReadOnlyMemoryContent(file.Content);
        part.Headers.ContentType = new MediaTypeHeaderValue(file.MediaType);
        using var content = new MultipartFormDataContent { { part, "file", upload.FileName }, { new StringContent(upload.TypeCode), "type_code" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, HousingTranslator.FilesPath) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(HousingTranslator.ContentType));
        var exchange = await _transport.SendAsync(http, request, traceParent: null, cancellationToken).ConfigureAwait(false);
        var outcome = Classify(exchange, static (status, answer) => HousingTranslator.ToUploadOutcome(status, answer));
        Log.Uploaded(logger, itemCode, file.Code, outcome.Kind, outcome.DepartmentCode);
        return DepartmentTransport.Upload(outcome with { Calls = exchange.Calls });
    }

    public Task<HandoffOutcome> SupplementAsync(SupplementRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendCaseRequestAsync(request.ApplicationId, request.CaseNumber, "supplements", request.TraceParent,
            () => HousingTranslator.ToSupplement(request), cancellationToken);
    }

    public Task<HandoffOutcome> WithdrawAsync(WithdrawalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendCaseRequestAsync(request.ApplicationId, request.CaseNumber, "withdrawal", request.TraceParent,
            () => HousingTranslator.ToWithdrawal(request), cancellationToken);
    }

    private async Task<HandoffOutcome> SendCaseRequestAsync(
        string applicationId, string ticket, string action, string? traceParent, Func<string> translate, CancellationToken cancellationToken)
    {
        if (_transport.Translate<HousingFormatException, string>(translate, applicationId, out var body) is { } invalid)
        {
            return invalid;
        }

        // The same body, and so the same request_id, on every attempt and replay.
        using var request = JsonRequest(HttpMethod.Post, $"{ApplicationsPath}/{Uri.EscapeDataString(ticket)}/{action}", body!);
        request.Options.Set(DepartmentCallHandler.RequestLabel, $"POST /{ApplicationsPath}/{{ticket_no}}/{action}");
        var exchange = await _transport.SendAsync(http, request, traceParent, cancellationToken).ConfigureAwait(false);
        var outcome = Classify(exchange, (status, answer) => HousingTranslator.ToCaseOutcome(status, answer, ticket));
        Log.CaseRequest(logger, applicationId, action, outcome.Kind, outcome.DepartmentCode);
        return outcome with { RequestPayload = body, Calls = exchange.Calls };
    }
}
