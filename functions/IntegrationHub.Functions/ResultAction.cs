using IntegrationHub.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace IntegrationHub.Functions;

/// <summary>
/// The Functions ASP.NET Core integration executes <see cref="IActionResult"/> only; the shared handlers
/// return minimal-API <see cref="IResult"/>s, so this runs one on the function's HttpContext. Every HTTP function
/// answers through here, so it also sets the hub's security headers, as the local host's middleware does.
/// </summary>
/// <remarks>
/// What the platform controls: the Functions host and App Service front ends write their own answers (an unhandled
/// exception's 500, a request refused before the worker) and their own <c>Server</c> header, outside this code.
/// </remarks>
internal sealed class ResultAction(IResult result) : IActionResult
{
    public IResult Result { get; } = result;

    public Task ExecuteResultAsync(ActionContext context)
    {
        SecurityHeaders.Apply(context.HttpContext.Response);
        return Result.ExecuteAsync(context.HttpContext);
    }
}
