using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using IntegrationHub.Platforms;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Applications;

/// <summary>
/// What a resident does after applying (issue 11): answer the department's 补正
/// (<c>POST /api/v1/applications/{id}/supplements</c>) and withdraw (<c>POST /api/v1/applications/{id}/withdrawal</c>).
/// Each is written with the application in one step (the resident's text sealed) and handed off like the application
/// itself: the step puts the hand-off back in flight (its pending row lets the sweep re-send a lost message), and the
/// dispatcher sends the request once the department has the case. A withdrawal before that cancels the hand-off.
/// </summary>
internal sealed partial class CaseRequestsApi(
    ApplicationStore store,
    StatusPath statusPath,
    HandoffQueue queue,
    ApplicationMaterials materials,
    PlatformAuth auth,
    EnvelopeCipher cipher,
    TimeProvider time,
    ILogger<CaseRequestsApi> logger)
{
    public const string Supplement = "supplement";
    public const string Withdrawal = "withdrawal";
    public const int MaxTextLength = 200;
    private const int MaxBodyBytes = 8 * 1024;

    public async Task<Results<JsonHttpResult<CaseRequestAccepted>, ProblemHttpResult>> SupplementAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        using var calls = StorageCalls.Begin(Supplement);
        var (read, problem) = await ReadAsync(request, id, "note", ["note", "materials"], cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (platform, application, body, note, hash) = read!.Value;
        var errors = new Dictionary<string, string[]>();
        var inputs = ApplicationValidator.MaterialInputs(body["materials"], "materials", errors);
        if (errors.Count > 0)
        {
            return Problems.Fields(errors);
        }

        if (Replay(request, application, Supplement, hash) is { } replay)
        {
            return replay;
        }

        if (NotWaiting(application) is { } conflict)
        {
            return conflict;
        }

        var (held, refused) = await materials.ForSupplementAsync(platform, application.ItemCode, ApplicationMaterials.Codes(application.SupplementWanted), inputs, cancellationToken);
        if (refused.Count > 0)
        {
            return Problems.Fields(refused, StatusCodes.Status422UnprocessableEntity);
        }

        var result = await statusPath.ChangeAsync(id, a =>
        {
            if (NotWaiting(a) is not null)
            {
                return null;
            }

            a.SupplementAnsweredAt = time.GetUtcNow();
            ApplicationMaterials.Write(a, [.. ApplicationMaterials.Read(a), .. held]);
            return Request(a, Supplement, note, hash, $"Supplement answered with {held.Count} material(s); to be sent to {a.Department}");
        }, cancellationToken);
        return await AcceptedAsync(request, result, Supplement, cancellationToken) is { } accepted ? accepted : NotWaiting(result.Application!)!;
    }

    public async Task<Results<JsonHttpResult<CaseRequestAccepted>, ProblemHttpResult>> WithdrawAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        using var calls = StorageCalls.Begin(Withdrawal);
        var (read, problem) = await ReadAsync(request, id, "reason", ["reason"], cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (_, application, _, reason, hash) = read!.Value;
        if (Replay(request, application, Withdrawal, hash) is { } replay)
        {
            return replay;
        }

        if (CannotWithdraw(application) is { } conflict)
        {
            return conflict;
        }

        var result = await statusPath.ChangeAsync(id, a =>
        {
            if (CannotWithdraw(a) is not null)
            {
                return null;
            }

            if (a.CaseNumber is null)
            {
                // The department has no case yet: the hand-off is cancelled and nothing is sent. Should an attempt in flight
                // bring a receipt after all, the dispatcher sends the withdrawal then (HandoffDispatcher, Cancelled).
                Seal(a, Withdrawal, reason, hash);
                a.CaseRequestState = CaseRequestStates.Cancelled;
                a.Handoff = HandoffState.Resolved;
                return StatusChange.Of(new TimelineEntity
                {
                    Kind = Withdrawal,
                    Summary = $"Withdrawn by the resident before the hand-off reached {a.Department}: nothing was sent",
                    Outcome = CaseRequestStates.Cancelled,
                }).MoveTo(ApplicationStatus.Withdrawn, null, "withdrawn before hand-off");
            }

            return Request(a, Withdrawal, reason, hash, $"Withdrawal requested by the resident; to be sent to {a.Department}");
        }, cancellationToken);
        return await AcceptedAsync(request, result, Withdrawal, cancellationToken) is { } accepted ? accepted : CannotWithdraw(result.Application!)!;
    }

    // The request is written in flight again: its pending row is what the sweep re-sends if the message below is lost.
    private StatusChange Request(ApplicationEntity a, string kind, string text, string hash, string summary)
    {
        Seal(a, kind, text, hash);
        a.CaseRequestState = CaseRequestStates.Pending;
        a.Handoff = HandoffState.Waiting;
        a.FailedAttempts = 0;
        return new StatusChange { HandoffVisibleAt = time.GetUtcNow() }.With(new TimelineEntity { Kind = kind, Summary = summary, Outcome = CaseRequestStates.Pending });
    }

    private void Seal(ApplicationEntity a, string kind, string text, string hash)
    {
        a.CaseRequest = kind;
        a.CaseRequestHash = hash;
        a.SealedCaseRequest = cipher.Seal(Encoding.UTF8.GetBytes(text), SealContext(a.PartitionKey, kind));
    }

    /// <summary>The resident's note or reason, opened for the department (the same context <see cref="Seal"/> bound it to).</summary>
    public static string OpenText(EnvelopeCipher cipher, ApplicationEntity a) =>
        Encoding.UTF8.GetString(cipher.Open(a.SealedCaseRequest ?? throw new SealedDataException("The request's text was erased."), SealContext(a.PartitionKey, a.CaseRequest!)));

    private static string SealContext(string applicationId, string kind) => $"applications/{applicationId}/{kind}";

    private async Task<JsonHttpResult<CaseRequestAccepted>?> AcceptedAsync(HttpRequest request, StepResult result, string kind, CancellationToken cancellationToken)
    {
        if (result.Outcome != StepOutcome.Committed)
        {
            return null;
        }

        var application = result.Application!;
        if (application.CaseRequestState == CaseRequestStates.Pending)
        {
            await queue.SendAsync(new HandoffMessage(application.PartitionKey, TraceParent: Activity.Current?.Id), TimeSpan.Zero, cancellationToken);
        }

        Log.Accepted(logger, kind, application.PartitionKey, application.CaseRequestState!);
        return Answer(request, application, kind);
    }

    private static JsonHttpResult<CaseRequestAccepted> Answer(HttpRequest request, ApplicationEntity application, string kind)
    {
        var location = $"/{HubRoutes.Prefix}/applications/{application.PartitionKey}";
        request.HttpContext.Response.Headers.Location = location;
        return TypedResults.Json(new CaseRequestAccepted(application.PartitionKey, kind, application.Status, location),
            HubJson.Info<CaseRequestAccepted>(), contentType: "application/json", statusCode: StatusCodes.Status202Accepted);
    }

    // The same request again (a platform retrying after a lost answer) is answered as it was, without a second step.
    private static JsonHttpResult<CaseRequestAccepted>? Replay(HttpRequest request, ApplicationEntity application, string kind, string hash)
    {
        if (application.CaseRequest != kind || application.CaseRequestHash != hash)
        {
            return null;
        }

        request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        return Answer(request, application, kind);
    }

    private static ProblemHttpResult? NotWaiting(ApplicationEntity a) =>
        a.Status != ApplicationStatus.SupplementRequired
            ? Conflict($"Application {a.PartitionKey} is {a.Status}: the department is not waiting for a supplement.")
            : a.SupplementAnsweredAt is not null
                ? Conflict($"The supplement of application {a.PartitionKey} was already answered: a department asks for one supplement per case.")
                : a.CaseRequestState == CaseRequestStates.Pending
                    ? Conflict($"A {a.CaseRequest} of application {a.PartitionKey} is still being delivered; try again once it is.")
                    : null;

    private static ProblemHttpResult? CannotWithdraw(ApplicationEntity a) =>
        Applications.StatusMachine.IsFinal(a.Status)
            ? Conflict($"Application {a.PartitionKey} is {a.Status}: it can be withdrawn only until the decision.")
            : a.CaseRequest == Withdrawal
                ? Conflict($"Application {a.PartitionKey} is already being withdrawn.")
                : a.CaseRequestState == CaseRequestStates.Pending
                    ? Conflict($"A {a.CaseRequest} of application {a.PartitionKey} is still being delivered; try again once it is.")
                    : null;

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Not possible in the application's state");

    private async Task<((string Platform, ApplicationEntity Application, JsonObject Body, string Text, string Hash)? Read, ProblemHttpResult? Problem)> ReadAsync(
        HttpRequest request, string id, string textField, string[] known, CancellationToken cancellationToken)
    {
        if (auth.Authenticate(request) is not { } platform)
        {
            return (null, PlatformAuth.Unauthorized());
        }

        var (raw, bodyProblem) = await RequestBody.ReadJsonAsync(request, MaxBodyBytes, cancellationToken);
        if (bodyProblem is not null)
        {
            return (null, bodyProblem);
        }

        if (raw is not JsonObject body)
        {
            return (null, Problems.Field("body", "must be a JSON object."));
        }

        var errors = new Dictionary<string, string[]>();
        foreach (var unknown in body.Select(p => p.Key).Where(k => !known.Contains(k)))
        {
            errors[unknown.Length <= 40 ? unknown : unknown[..40]] = [$"is not a known property ({string.Join(", ", known)})."];
        }

        var text = body[textField] is JsonValue v && v.TryGetValue(out string? s) ? s.Trim() : null;
        if (text is not { Length: > 0 and <= MaxTextLength } || text.Any(c => char.IsControl(c) && c is not '\n'))
        {
            errors[textField] = [$"is required: 1-{MaxTextLength} characters of text."];
        }

        if (errors.Count > 0)
        {
            return (null, Problems.Fields(errors));
        }

        var application = await store.ReadAsync(id, cancellationToken);
        if (application is null || application.Platform != platform.Name)
        {
            return (null, Problems.NotFound($"No application '{id}' for this platform."));
        }

        return ((platform.Name, application, body, text!, CanonicalJson.Fingerprint(body)), null);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Accepted a {Request} of application {ApplicationId}: {State}")]
        public static partial void Accepted(ILogger logger, string request, string applicationId, string state);
    }
}

/// <summary>Where a supplement or withdrawal stands (<see cref="ApplicationEntity.CaseRequestState"/>).</summary>
internal static class CaseRequestStates
{
    public const string Pending = "Pending";
    public const string Delivered = "Delivered";
    public const string Conflict = "Conflict";
    public const string Cancelled = "Cancelled";
}
