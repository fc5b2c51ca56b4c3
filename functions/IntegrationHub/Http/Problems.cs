using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Http;

/// <summary>RFC 9457 problem details, always naming the offending field where there is one.</summary>
/// <remarks>Typed (<see cref="ProblemHttpResult"/>), so a handler's signature can list them among its answers.</remarks>
internal static class Problems
{
    public static ProblemHttpResult Field(string field, string message, int status = StatusCodes.Status400BadRequest) =>
        Fields(new Dictionary<string, string[]> { [field] = [message] }, status);

    public static ProblemHttpResult Fields(IReadOnlyDictionary<string, string[]> errors, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Detail = string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            Status = status,
        });

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not Found");
}
