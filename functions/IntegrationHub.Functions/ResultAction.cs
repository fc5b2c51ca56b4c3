using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace IntegrationHub.Functions;

/// <summary>
/// The Functions ASP.NET Core integration executes <see cref="IActionResult"/> only; the shared handlers
/// return minimal-API <see cref="IResult"/>s, so this runs one on the function's HttpContext.
/// </summary>
public sealed class ResultAction(IResult result) : IActionResult
{
    public IResult Result { get; } = result;

    public Task ExecuteResultAsync(ActionContext context) => Result.ExecuteAsync(context.HttpContext);
}
