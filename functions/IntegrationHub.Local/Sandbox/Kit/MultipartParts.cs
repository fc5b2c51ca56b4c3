using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace IntegrationHub.Local.Sandbox;

/// <summary>The named parts of a multipart/form-data body, as a department's gateway reads an upload.</summary>
internal static class MultipartParts
{
    public sealed record Part(string? ContentType, byte[] Bytes);

    /// <summary>The parts by name, or null when the body is not multipart with that boundary or names a part twice.</summary>
    public static Dictionary<string, Part>? Read(byte[] body, string boundary)
    {
        try
        {
            return ReadAsync(body, boundary).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return null;
        }
    }

    private static async Task<Dictionary<string, Part>?> ReadAsync(byte[] body, string boundary)
    {
        var reader = new MultipartReader(boundary, new MemoryStream(body)) { BodyLengthLimit = null };
        var parts = new Dictionary<string, Part>(StringComparer.Ordinal);
        while (await reader.ReadNextSectionAsync().ConfigureAwait(false) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                || disposition.Name.Value?.Trim('"') is not { Length: > 0 } name)
            {
                return null;
            }

            using var bytes = new MemoryStream();
            await section.Body.CopyToAsync(bytes).ConfigureAwait(false);
            if (!parts.TryAdd(name, new Part(section.ContentType, bytes.ToArray())))
            {
                return null;
            }
        }

        return parts;
    }
}
