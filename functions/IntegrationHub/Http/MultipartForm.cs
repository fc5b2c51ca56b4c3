using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace IntegrationHub.Http;

/// <summary>One form-data part: its name (null when it has none), its declared type, its bytes (null when over the part limit).</summary>
internal sealed record FormPart(int Position, string? Name, string? ContentType, byte[]? Bytes);

/// <summary>
/// Reads a <c>multipart/form-data</c> body whole (bounded), part by part, before anything is stored. A body that is not
/// form-data is 415; one over its limit 413; broken framing 400; each a problem naming <c>body</c>.
/// </summary>
internal static class MultipartForm
{
    public static async Task<(IReadOnlyList<FormPart>? Parts, ProblemHttpResult? Problem)> ReadAsync(
        HttpRequest request, int maxBodyBytes, int maxPartBytes, int maxParts, string expected, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
        {
            return (null, Problems.Field("body", $"must be sent as multipart/form-data (with a boundary): {expected}.", StatusCodes.Status415UnsupportedMediaType));
        }

        // The server's own limit is set for JSON bodies; a form route reads more, and enforces its own limit.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBodyBytes + 1;
        }

        var (body, tooLarge) = await RequestBody.ReadBytesAsync(request, maxBodyBytes, cancellationToken);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }

        var parts = new List<FormPart>();
        var reader = new MultipartReader(boundary, new MemoryStream(body!)) { HeadersCountLimit = 8, HeadersLengthLimit = 2048, BodyLengthLimit = null };
        try
        {
            for (var position = 0; await reader.ReadNextSectionAsync(cancellationToken) is { } section; position++)
            {
                if (position >= maxParts)
                {
                    return (null, Problems.Field("body", $"has more than {maxParts} parts: {expected}."));
                }

                var bytes = await RequestBody.ReadAtMostAsync(section.Body, maxPartBytes, cancellationToken);
                var name = ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase) ? HeaderUtilities.RemoveQuotes(disposition.Name).Value : null;
                parts.Add(new FormPart(position, name, section.ContentType, bytes));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            return (null, Problems.Field("body", "is not valid multipart/form-data (broken boundary, part headers or framing)."));
        }

        return (parts, null);
    }
}
