using System.Diagnostics.CodeAnalysis;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Departments;

/// <summary>
/// What a department says about the calls it makes to the hub (公安 notifications, 房管 webhooks): how they are signed,
/// how one reads as a status report, and how the hub acknowledges one. The kit's <see cref="DepartmentInbound"/> does
/// the rest, the same way for every department.
/// </summary>
/// <typeparam name="TAck">The department's acknowledgement, so the route's signature names it.</typeparam>
internal interface IDepartmentInbound<TAck>
    where TAck : IResult
{
    /// <summary>The department's code (GA, FG), for the log.</summary>
    string Department { get; }

    /// <summary>The 401 problem's detail: what a caller must do to be believed.</summary>
    string UnsignedDetail { get; }

    /// <summary>Null when the call is the bureau's (checked over the raw bytes); otherwise why not, for the log.</summary>
    string? Refusal(IHeaderDictionary headers, byte[] body);

    /// <summary>The report the body carries, or the 400 problem naming what is wrong (elements or fields, never values).</summary>
    bool TryRead(byte[] body, [NotNullWhen(true)] out DepartmentStatusReport? report, [NotNullWhen(false)] out ProblemHttpResult? malformed);

    /// <summary>The answer that tells the bureau to stop re-sending.</summary>
    TAck Acknowledge();
}

/// <summary>
/// The kit's inbound route: read the body under a limit, refuse what the bureau did not sign, answer a malformed body
/// with a problem, hand the report to the status sink, acknowledge. Scoped, as the sink may be.
/// </summary>
internal sealed partial class DepartmentInbound(IDepartmentStatusSink sink, ILogger<DepartmentInbound> logger)
{
    /// <summary>
    /// Assumption: no document gives a size; a notification or webhook is a few hundred bytes, so 64 KiB refuses only
    /// what is not one (docs/assumptions/public-security.md 26, housing.md 37).
    /// </summary>
    public const int MaxBodyBytes = 64 * 1024;

    public async Task<Results<TAck, ProblemHttpResult>> ReceiveAsync<TAck>(
        IDepartmentInbound<TAck> department, HttpRequest request, CancellationToken cancellationToken)
        where TAck : IResult
    {
        ArgumentNullException.ThrowIfNull(department);
        ArgumentNullException.ThrowIfNull(request);
        var (body, tooLarge) = await RequestBody.ReadBytesAsync(request, MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (tooLarge is not null)
        {
            return tooLarge;
        }

        // The signature over the raw bytes first: nothing is parsed, let alone changed, unless it holds.
        if (department.Refusal(request.Headers, body!) is { } refusal)
        {
            Log.Refused(logger, department.Department, refusal);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: department.UnsignedDetail);
        }

        if (!department.TryRead(body!, out var report, out var malformed))
        {
            Log.Malformed(logger, department.Department, malformed.ProblemDetails.Detail);
            return malformed;
        }

        // A store failure escapes: the bureau gets a 500 and re-sends, which is what it is for.
        var outcome = await sink.ApplyAsync(report, cancellationToken).ConfigureAwait(false);
        if (outcome == ReportOutcome.UnknownApplication)
        {
            // Acknowledged all the same: the bureau would re-send for hours and the answer would not change.
            Log.UnknownApplication(logger, department.Department, report.CaseNumber, report.DepartmentCode);
        }

        // Applied, Duplicate, Stale and UnknownApplication alike: the hub has it, so the bureau must stop re-sending.
        return department.Acknowledge();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7020, Level = LogLevel.Warning, Message = "{Department} inbound call refused: {Refusal}")]
        public static partial void Refused(ILogger logger, string department, string refusal);

        [LoggerMessage(EventId = 7021, Level = LogLevel.Warning, Message = "{Department} inbound call malformed: {Reason}")]
        public static partial void Malformed(ILogger logger, string department, string? reason);

        [LoggerMessage(EventId = 7022, Level = LogLevel.Warning, Message = "{Department} inbound call for an unknown application: case {CaseNumber}, status {DepartmentCode}")]
        public static partial void UnknownApplication(ILogger logger, string department, string? caseNumber, string departmentCode);
    }
}

/// <summary>How a department registers and maps its inbound route through the kit.</summary>
internal static class DepartmentInboundRegistration
{
    /// <summary>The department's inbound handler (a singleton: it holds keys, not state) and the kit's route.</summary>
    public static IServiceCollection AddDepartmentInbound<TDepartment>(this IServiceCollection services, Func<IServiceProvider, TDepartment> create)
        where TDepartment : class
    {
        services.AddSingleton(create);
        services.TryAddScoped<DepartmentInbound>();
        return services;
    }

    /// <summary>POST <paramref name="route"/> answered by the kit for <typeparamref name="TDepartment"/>.</summary>
    public static RouteHandlerBuilder MapDepartmentInbound<TDepartment, TAck>(this IEndpointRouteBuilder api, string route)
        where TDepartment : class, IDepartmentInbound<TAck>
        where TAck : IResult =>
        api.MapPost(route, (HttpRequest request, TDepartment department, DepartmentInbound kit, CancellationToken cancellationToken) =>
            kit.ReceiveAsync(department, request, cancellationToken));
}
