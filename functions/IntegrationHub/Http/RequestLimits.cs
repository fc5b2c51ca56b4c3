using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Http;

/// <summary>
/// The hub's own limits on the request line and headers, answered as problems. Kestrel refuses what exceeds its limits
/// with an empty 400/414/431 before any middleware runs, so the local host sets Kestrel's limits a little above these
/// (<see cref="ServerRequestTargetBytes"/> and the others) and this middleware enforces the real ones: a client then
/// always gets <c>application/problem+json</c>. A body the server refuses while an endpoint reads it (malformed
/// chunking, a body over the server's size limit) is answered the same way. On Azure the Functions host's front end
/// applies its own URL, header and body limits before the worker runs; this middleware serves the local host.
/// </summary>
internal static class RequestLimits
{
    public const int MaxRequestTargetBytes = 8 * 1024;
    public const int MaxHeaderBytes = 32 * 1024;
    public const int MaxHeaderCount = 100;

    /// <summary>Kestrel's limits: twice the hub's, so that what lies between is refused here, with a problem body.</summary>
    public const int ServerRequestTargetBytes = 2 * MaxRequestTargetBytes;
    public const int ServerHeaderBytes = 2 * MaxHeaderBytes;
    public const int ServerHeaderCount = 2 * MaxHeaderCount;

    /// <summary>Kestrel's body limit; every endpoint reads far less (64 KiB at most) and answers 413 itself.</summary>
    public const long ServerBodyBytes = 1024 * 1024;

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (Refusal(context) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Thrown by the server while an endpoint reads the body; without this it would surface as a 500.
            context.Response.Clear();
            await Problems.Field("body", "could not be read as an HTTP request body.", e.StatusCode).ExecuteAsync(context);
        }
    });

    private static ProblemHttpResult? Refusal(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        if (target.Length > MaxRequestTargetBytes)
        {
            return Problems.Field("url", $"must be at most {MaxRequestTargetBytes.ToString(CultureInfo.InvariantCulture)} bytes.",
                StatusCodes.Status414UriTooLong);
        }

        var count = 0;
        var bytes = 0;
        foreach (var (name, values) in context.Request.Headers)
        {
            foreach (var value in values)
            {
                count++;

                // As on the wire: "name: value\r\n".
                bytes += name.Length + (value?.Length ?? 0) + 4;
            }
        }

        if (count > MaxHeaderCount || bytes > MaxHeaderBytes)
        {
            return Problems.Field("headers", $"must be at most {MaxHeaderCount.ToString(CultureInfo.InvariantCulture)} lines and "
                + $"{MaxHeaderBytes.ToString(CultureInfo.InvariantCulture)} bytes in all.", StatusCodes.Status431RequestHeaderFieldsTooLarge);
        }

        return null;
    }
}
