using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace IntegrationHub.Http;

/// <summary>Reads a JSON body with a hard size limit; every failure becomes a problem naming <c>body</c>.</summary>
public static class RequestBody
{
    public static async Task<(JsonNode? Node, IResult? Problem)> ReadJsonAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        if (!(request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return (null, Problems.Field("body", "must be sent as application/json.", StatusCodes.Status415UnsupportedMediaType));
        }

        var bytes = await ReadAtMostAsync(request.Body, maxBytes, cancellationToken);
        if (bytes is null)
        {
            return (null, TooLarge(maxBytes));
        }

        try
        {
            return (JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 16 }), null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.Field("body", $"is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})."));
        }
    }

    /// <summary>Reads the stream, or returns null as soon as it holds more than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAtMostAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static IResult TooLarge(int maxBytes) =>
        Problems.Field("body", $"must be at most {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
}
