using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using IntegrationHub.Platforms;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using IntegrationHub.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace IntegrationHub.Applications;

/// <summary>Intake and status reads for the community platforms.</summary>
internal sealed class ApplicationsApi(
    ServiceCatalog catalog,
    ApplicationValidator validator,
    ApplicationStore store,
    HandoffQueue queue,
    PlatformAuth auth,
    IdHasher idHasher,
    PersonalData personalData,
    ApplicationCache cache,
    ApplicationMaterials materials,
    TimeProvider time,
    ILogger<ApplicationsApi> logger,
    HubMetrics metrics)
{
    public const int MaxBodyBytes = 64 * 1024;
    public const string IdempotencyHeader = IdempotencyKey.Header;

    /// <summary>Telemetry hook (issue 14): every answer to a submission is counted by outcome, accepted ones by item.</summary>
    public async Task<Results<JsonHttpResult<ApplicationAccepted>, ProblemHttpResult>> SubmitAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var result = await SubmitCoreAsync(request, cancellationToken);
        var accepted = result.Result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status202Accepted };
        var outcome = accepted
            ? request.HttpContext.Response.Headers.ContainsKey("Idempotent-Replayed") ? "replayed" : "accepted"
            : result.Result is IStatusCodeHttpResult { StatusCode: { } code } ? code switch
            {
                StatusCodes.Status401Unauthorized => "unauthorized",
                StatusCodes.Status409Conflict => "conflict",
                _ => "invalid",
            } : "invalid";
        // The intake span carries the item and department once the submission is valid (HubTelemetry.TagCurrent).
        var item = Activity.Current?.GetTagItem(HubTelemetry.ItemTag) as string;
        var department = Activity.Current?.GetTagItem(HubTelemetry.DepartmentTag) as string;
        metrics.Intake(outcome, accepted ? item : null, accepted ? department : null);
        return result;
    }

    private async Task<Results<JsonHttpResult<ApplicationAccepted>, ProblemHttpResult>> SubmitCoreAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var calls = StorageCalls.Begin("intake");
        var (caller, callerProblem) = auth.AuthenticateSubmission(request);
        if (caller is not { } known)
        {
            return callerProblem!;
        }

        var (platform, idempotencyKey) = known;

        var (raw, bodyProblem) = await RequestBody.ReadJsonAsync(request, MaxBodyBytes, cancellationToken);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        if (raw is not JsonObject body)
        {
            return Problems.Field("body", "must be a JSON object.");
        }

        var itemProblem = CheckItem(body);
        if (itemProblem is not null)
        {
            return itemProblem;
        }

        var (valid, errors) = validator.Validate(body);
        if (valid is null)
        {
            return Problems.Fields(errors);
        }

        // Issue 11: the materials against the item's rules and the stored files (one blob read each; none without materials).
        var (held, refused) = await materials.ForApplicationAsync(platform.Name, valid.ItemCode, valid.Form, valid.Materials, cancellationToken);
        if (refused.Count > 0)
        {
            return Problems.Fields(refused);
        }

        // Over the body as accepted, in canonical form: the same JSON with its keys in another order is the same submission.
        var bodyHash = CanonicalJson.Fingerprint(valid.Body);
        var applicationId = ApplicationId(platform.Name, idempotencyKey);
        HubTelemetry.TagCurrent(applicationId, valid.ItemCode, catalog.Find(valid.ItemCode)!.Item.Department);

        // A repeat this instance saw needs no storage call at all; any other is found by the write itself.
        var (application, created) = cache.Get(applicationId) is { } seen
            ? (seen, false)
            : await CreateAndHandOff(applicationId, platform.Name, bodyHash, valid, held);
        if (application is null)
        {
            return Problems.Field(IdempotencyHeader, "is being used by a submission that is still being accepted; retry in a moment.", StatusCodes.Status409Conflict);
        }

        if (application.BodyHash != bodyHash || application.Platform != platform.Name)
        {
            return Problems.Field(IdempotencyHeader, "was already used for a different submission.", StatusCodes.Status409Conflict);
        }

        var location = $"/{HubRoutes.Prefix}/applications/{applicationId}";
        if (!created)
        {
            request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        }

        var status = created ? ApplicationStatus.Submitted : application.Status;
        return TypedResults.Json(new ApplicationAccepted(applicationId, status, location), HubJson.Info<ApplicationAccepted>(),
            contentType: "application/json", statusCode: StatusCodes.Status202Accepted)
            .WithLocation(request, location);
    }

    public async Task<Results<JsonHttpResult<ApplicationView>, ProblemHttpResult>> GetAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (auth.Authenticate(request) is not { } platform)
        {
            return PlatformAuth.Unauthorized();
        }

        var application = await store.ReadAsync(id, cancellationToken);
        if (application is null || application.Platform != platform.Name)
        {
            // Another platform's application is reported as absent, not as forbidden: ids reveal nothing.
            return Problems.NotFound($"No application '{id}' for this platform.");
        }

        var timeline = await store.TimelineAsync(id, cancellationToken);
        // The platform is the resident's own channel: it gets the department's result as given, until retention erases it.
        return TypedResults.Json(ApplicationViews.From(application, personalData.OpenResult(application), timeline) with
        {
            Materials = materials.Views(application),
            Supplement = materials.Wanted(application),
        }, HubJson.Info<ApplicationView>());
    }

    private ProblemHttpResult? CheckItem(JsonObject body)
    {
        if (body["itemCode"] is not JsonValue value || !value.TryGetValue(out string? code))
        {
            return null; // the validator names the missing field together with any others
        }

        // Trimmed, as the validator trims every text, so " GA-001 " is the item GA-001 in both places.
        if (catalog.Find(code.Trim()) is not { } entry)
        {
            return Problems.Field("itemCode", $"'{code}' is not a service item.", StatusCodes.Status422UnprocessableEntity);
        }

        if (!entry.Item.Online)
        {
            var guide = $"/{HubRoutes.Prefix}/service-items/{entry.Item.Code}/guide";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Item is not available online",
                detail: $"itemCode: {entry.Item.Code} {entry.Item.NameZh} is handled in person; see its procedure guide at {guide}.",
                extensions: new Dictionary<string, object?>
                {
                    ["errors"] = new Dictionary<string, string[]> { ["itemCode"] = ["is a guide-only item."] },
                    ["guide"] = guide,
                });
        }

        return null;
    }

    /// <summary>
    /// The application id follows from the platform and its idempotency key, so a repeat lands on the same partition and
    /// is recognised by the write itself, with no claim row to write or read first.
    /// </summary>
    internal static string ApplicationId(string platform, string idempotencyKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{platform}\n{idempotencyKey}")))[..32];

    private async Task<(ApplicationEntity? Application, bool Created)> CreateAndHandOff(
        string applicationId, string platform, string bodyHash, ApplicationValidator.Validated valid, IReadOnlyList<HeldMaterial> held)
    {
        var now = time.GetUtcNow();
        var department = catalog.Find(valid.ItemCode)!.Item.Department;
        var application = new ApplicationEntity
        {
            PartitionKey = applicationId,
            Platform = platform,
            ItemCode = valid.ItemCode,
            Department = department,
            HandoffKey = applicationId,
            Status = ApplicationStatus.Submitted,
            Handoff = HandoffState.Waiting,
            ApplicantNameMasked = Masking.Name(valid.Applicant.Name),
            IdNumberHash = idHasher.Hash(valid.Applicant.IdNumber),
            NameHash = idHasher.HashName(valid.Applicant.Name),
            BodyHash = bodyHash,
            SubmittedAt = now,
            UpdatedAt = now,
            TraceParent = Activity.Current?.Id,
        };
        personalData.Seal(application, new Submission(valid.Applicant, valid.Form, valid.Attachments));
        ApplicationMaterials.Write(application, held);
        var received = new TimelineEntity
        {
            Kind = "received",
            Summary = $"Received {valid.ItemCode} from {platform}",
            Status = ApplicationStatus.Submitted,
            TraceId = Activity.Current?.TraceId.ToString(),
            At = now,
        };

        // Order matters for "nothing is lost": the store writes the pending hand-off, then the application; then the message.
        // Once the first of them is written the intake finishes whatever the caller does: a platform that hangs up (its
        // own timeout, a dropped connection) gets this application when it repeats the key, instead of a half-written
        // intake the stranded sweep repairs minutes later (or takes back, so the repeat starts afresh).
        var creation = await store.CreateAsync(application, received, CancellationToken.None);
        if (creation.Outcome != CreationOutcome.Created)
        {
            return (creation.Application, false);
        }

        await queue.SendAsync(new HandoffMessage(applicationId), TimeSpan.Zero, CancellationToken.None);
        ApplicationsLog.Accepted(logger, applicationId, valid.ItemCode, platform);
        return (application, true);
    }
}

file static class ResultExtensions
{
    public static T WithLocation<T>(this T result, HttpRequest request, string location)
        where T : IResult
    {
        request.HttpContext.Response.Headers.Location = location;
        return result;
    }
}
