using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IntegrationHub.Http;

/// <summary>
/// Headers every answer of the hub carries, set in one place for both hosts: the local host runs it as middleware,
/// the Functions host from <c>ResultAction</c>, which executes every HTTP function's result.
/// </summary>
/// <remarks>
/// <c>Cache-Control: no-store</c> is the default, so an answer that carries personal data (an application and its
/// timeline, the events feed, every portal read, a reveal, the audit log) is never kept by a browser or a proxy
/// unless its handler says otherwise. Only public, unchanging data opts out: the catalog, guides and OpenAPI document
/// (<see cref="CachedJson"/>, <c>public, max-age=60</c>) and the portal's page files (<c>no-cache</c>).
/// </remarks>
internal static class SecurityHeaders
{
    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (string.IsNullOrEmpty(headers.CacheControl))
        {
            headers.CacheControl = "no-store";
        }
    }

    /// <summary>Applies the headers as each response starts, so answers written by later middleware (500, 404) carry them too.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                Apply(context.Response);
                return Task.CompletedTask;
            });
            return next(context);
        });
}
