using System.Security.Cryptography;
using IntegrationHub.Contracts;
using Microsoft.AspNetCore.Http;

namespace IntegrationHub.Http;

/// <summary>Serves the OpenAPI document that lives with the contracts.</summary>
public sealed class OpenApiDocument
{
    private readonly byte[] _document = Load();

    public IResult Get(HttpRequest request)
    {
        request.HttpContext.Response.Headers.ETag = $"\"{Convert.ToHexStringLower(SHA256.HashData(_document).AsSpan(0, 16))}\"";
        return Results.Bytes(_document, "application/json; charset=utf-8");
    }

    private static byte[] Load()
    {
        using var stream = typeof(HubJsonContext).Assembly.GetManifestResourceStream("IntegrationHub.Contracts.openapi.json")
            ?? throw new InvalidOperationException("The OpenAPI document is not embedded in the contracts assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
