using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace IntegrationHub.Http;

/// <summary>
/// A JSON body with a strong ETag, answered 304 when the caller already holds it: a typed result, so a handler's
/// signature says so (<c>Results&lt;CachedJson, ProblemHttpResult&gt;</c>).
/// </summary>
internal sealed class CachedJson : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private const string JsonType = "application/json; charset=utf-8";

    private readonly byte[] _body;

    private CachedJson(byte[] body, bool notModified)
    {
        _body = body;
        StatusCode = notModified ? StatusCodes.Status304NotModified : StatusCodes.Status200OK;
    }

    public int? StatusCode { get; }

    public string? ContentType => StatusCode == StatusCodes.Status200OK ? JsonType : null;

    public static CachedJson Respond<T>(HttpRequest request, T value, JsonTypeInfo<T> typeInfo)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16))}\"";
        request.HttpContext.Response.Headers.ETag = etag;
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=60";
        return new CachedJson(body, Matches(request, etag));
    }

    public Task ExecuteAsync(HttpContext httpContext) =>
        StatusCode == StatusCodes.Status304NotModified
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified).ExecuteAsync(httpContext)
            : TypedResults.Bytes(_body, JsonType).ExecuteAsync(httpContext);

    private static bool Matches(HttpRequest request, string etag)
    {
        var header = request.Headers.IfNoneMatch;
        if (header.Count == 0)
        {
            return false;
        }

        return EntityTagHeaderValue.TryParseList(header, out var tags)
            && tags.Any(t => t.Tag == "*" || t.Tag == etag);
    }
}
