using Microsoft.AspNetCore.Http;

namespace IntegrationHub.Http;

/// <summary>RFC 9457 problem details, always naming the offending field where there is one.</summary>
public static class Problems
{
    public static IResult Field(string field, string message, int status = StatusCodes.Status400BadRequest) =>
        Results.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            detail: $"{field}: {message}",
            statusCode: status);

    public static IResult Fields(IReadOnlyDictionary<string, string[]> errors, int status = StatusCodes.Status400BadRequest) =>
        Results.ValidationProblem(
            errors,
            detail: string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            statusCode: status);

    public static IResult NotFound(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not Found");
}
