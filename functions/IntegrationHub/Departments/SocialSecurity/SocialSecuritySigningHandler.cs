using System.Text;

namespace IntegrationHub.Departments.SocialSecurity;

/// <summary>
/// Runs inside the resilience handler, so it sees every attempt: each one is a freshly signed envelope (the
/// gateway refuses a timestamp more than 300 s off with 1001, and retries can outlast that), while the trans_id and
/// the body string stay exactly the same.
/// </summary>
internal sealed class SocialSecuritySigningHandler(SocialSecuritySigner signer) : DelegatingHandler
{
    /// <summary>What to send: set by the client on the request.</summary>
    public static readonly HttpRequestOptionsKey<SocialSecurityRequest> RequestKey = new("IntegrationHub.SocialSecurity.Request");

    /// <summary>The envelope of the last attempt, exactly as sent, for operators.</summary>
    public static readonly HttpRequestOptionsKey<string> SentKey = new("IntegrationHub.SocialSecurity.Sent");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(RequestKey, out var gatewayRequest))
        {
            throw new InvalidOperationException("A 人社 gateway request must carry its SocialSecurityRequest.");
        }

        var envelope = signer.Envelope(gatewayRequest);
        request.Content = new StringContent(envelope, Encoding.UTF8, "application/json");
        request.Options.Set(SentKey, envelope);

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        // Buffered here, inside the attempt timeout, so a stalled body counts against the attempt and the retry
        // predicate can read a 9001 without consuming the stream the client reads afterwards.
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        return response;
    }
}
