using System.Net;
using System.Net.Http.Headers;

namespace IntegrationHub.Departments.Housing;

/// <summary>
/// Runs inside the resilience handler, so every attempt carries the current token. The document: "any call may answer
/// 401 invalid_token; get a new token and repeat the call once". Assumption: done here, once per attempt, so the retry
/// budget is not spent on a revoked token. A 429 leaves this handler as a <see cref="DepartmentCallException"/>.
/// </summary>
internal sealed class HousingAuthHandler(HousingTokenCache tokens, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(cancellationToken).ConfigureAwait(false);
        var response = await SendWithAsync(request, token, cancellationToken).ConfigureAwait(false);
        if (await IsInvalidTokenAsync(response, cancellationToken).ConfigureAwait(false))
        {
            response.Dispose();
            tokens.Invalidate(token);
            token = await tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            response = await SendWithAsync(request, token, cancellationToken).ConfigureAwait(false);
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // The document: "wait at least that long". The pipeline asks again after a wait no longer than
            // Departments:Shared:MaxWait; a longer one is the dispatcher's: the outcome carries it. Assumption: without
            // the header, one second (the limit is per second).
            var retryAfter = DepartmentHolds.RetryAfter(response, time) ?? TimeSpan.FromSeconds(1);
            var payload = HousingTranslator.Describe(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            response.Dispose();
            throw new DepartmentCallException(HandoffOutcomeKind.Transient, "rate_limited",
                "The bureau's rate limit (20 requests/s per client) was hit.", retryAfter, payload);
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendWithAsync(HttpRequestMessage request, string token, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        // Buffered here, inside the attempt timeout, so a stalled body counts against the attempt and the body can be
        // read both here and by the client.
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        return response;
    }

    // Assumption: besides the documented body, RFC 6750's WWW-Authenticate: Bearer error="invalid_token" means the same.
    private static async Task<bool> IsInvalidTokenAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return false;
        }

        if (response.Headers.WwwAuthenticate.Any(h => h.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)
            && (h.Parameter?.Contains("error=\"invalid_token\"", StringComparison.Ordinal) ?? false)))
        {
            return true;
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return HousingTranslator.ErrorCode(body) == "invalid_token";
    }
}
