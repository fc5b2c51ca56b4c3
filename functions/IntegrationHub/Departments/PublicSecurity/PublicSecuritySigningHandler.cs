using Microsoft.Extensions.Options;

namespace IntegrationHub.Departments.PublicSecurity;

/// <summary>
/// Runs inside the resilience handler, so it sees every attempt: each one gets its own timestamp and nonce
/// (the bureau refuses a replayed nonce with 1003), while the body and its LSH stay the same.
/// </summary>
internal sealed class PublicSecuritySigningHandler(PublicSecuritySigner signer, IOptions<PublicSecurityOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var signature = signer.Sign(options.Value.AccessUnitCode, body);
        Replace(request, PublicSecuritySignature.AccessUnitHeader, signature.AccessUnit);
        Replace(request, PublicSecuritySignature.TimestampHeader, signature.Timestamp);
        Replace(request, PublicSecuritySignature.NonceHeader, signature.Nonce);
        Replace(request, PublicSecuritySignature.SignatureHeader, signature.Signature);

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        // Buffered here, inside the attempt timeout, so a stalled body counts against the attempt and the retry
        // predicate can read a 9001 without consuming the stream the client reads afterwards.
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        return response;
    }

    private static void Replace(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
    }
}
