using System.Buffers;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace IntegrationHub.Http;

/// <summary>
/// Reads a request body with a hard size limit and, for JSON, into a tree that reads without surprises (see
/// <see cref="StrictJson"/>). Every failure becomes a 4xx problem naming <c>body</c> or the offending value's path.
/// </summary>
internal static class RequestBody
{
    public static async Task<(JsonNode? Node, ProblemHttpResult? Problem)> ReadJsonAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        if (!IsJson(request.ContentType))
        {
            return (null, Problems.Field("body", "must be sent as application/json (a charset, if given, must be utf-8).",
                StatusCodes.Status415UnsupportedMediaType));
        }

        var (bytes, problem) = await ReadBytesAsync(request, maxBytes, cancellationToken);
        return problem is not null ? (null, problem) : ParseJson(bytes!);
    }

    /// <summary>
    /// <c>application/json</c>, with no parameter but an optional <c>charset=utf-8</c>. Compared as a parsed media type,
    /// never by prefix: <c>application/jsonx</c> is another type, and a body declared UTF-16 would be misread as UTF-8.
    /// </summary>
    public static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var parameter in mediaType.Parameters)
        {
            if (!parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)
                || !HeaderUtilities.RemoveQuotes(parameter.Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The raw body, at most <paramref name="maxBytes"/>; a larger one (declared or streamed, chunked included) is 413,
    /// and a body the server itself refuses (malformed chunking, its own limits) is the server's 4xx, as a problem.
    /// </summary>
    public static async Task<(byte[]? Bytes, ProblemHttpResult? Problem)> ReadBytesAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        try
        {
            return await ReadAtMostAsync(request.Body, maxBytes, cancellationToken) is { } bytes ? (bytes, null) : (null, TooLarge(maxBytes));
        }
        catch (BadHttpRequestException e)
        {
            return (null, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(maxBytes)
                : Problems.Field("body", "could not be read as an HTTP request body.", e.StatusCode));
        }
        catch (IOException)
        {
            // Kestrel reports some broken framing this way (a chunk size that overflows), and a client gone mid-body too.
            return (null, Problems.Field("body", "could not be read as an HTTP request body (broken chunked framing?)."));
        }
    }

    /// <summary>Reads the stream, or returns null as soon as it holds more than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAtMostAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, 8192), cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    /// <summary>UTF-8 JSON bytes as a tree that reads without surprises, or a 400 problem saying where it is broken.</summary>
    public static (JsonNode? Node, ProblemHttpResult? Problem) ParseJson(ReadOnlySpan<byte> bytes) =>
        StrictJson.TryParse(bytes, out var node, out var error) ? (node, null) : (null, Problems.Field(error.Field, error.Message));

    /// <summary>A JSON object read as <typeparamref name="T"/>, or null when it is not an object or does not fit.</summary>
    public static T? As<T>(JsonNode? node, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) where T : class
    {
        try
        {
            return node is JsonObject ? System.Text.Json.JsonSerializer.Deserialize(node, info) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static ProblemHttpResult TooLarge(int maxBytes) =>
        Problems.Field("body", $"must be at most {maxBytes.ToString(CultureInfo.InvariantCulture)} bytes.", StatusCodes.Status413PayloadTooLarge);
}
