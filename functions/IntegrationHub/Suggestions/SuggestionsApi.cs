using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Communities;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using IntegrationHub.Platforms;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Suggestions;

/// <summary>The platforms' side of the suggestion channel: submit, read with the timeline, rate, and the photos behind signed links.</summary>
internal sealed class SuggestionsApi(
    SuggestionService service,
    SuggestionStore store,
    CommunityRegistry communities,
    PhotoLinks links,
    PlatformAuth auth)
{
    public async Task<Results<JsonHttpResult<SuggestionAccepted>, ProblemHttpResult>> SubmitAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (auth.Authenticate(request) is not { } platform)
        {
            return PlatformAuth.Unauthorized();
        }

        var (idempotencyKey, keyProblem) = IdempotencyKey.Read(request);
        if (keyProblem is not null)
        {
            return keyProblem;
        }

        var (submission, problem) = await SuggestionForm.ReadAsync(request, communities, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (id, replayed, conflict) = await store.ClaimAsync(platform.Name, idempotencyKey!, submission!.BodyHash, cancellationToken);
        if (conflict)
        {
            return Problems.Field(IdempotencyKey.Header, "was already used for a different submission.", StatusCodes.Status409Conflict);
        }

        var existing = replayed ? await store.FindAsync(id, cancellationToken) : null;
        var status = existing is null
            ? (await service.CreateAsync(id, platform.Name, submission, cancellationToken)).Status
            : existing.Status;
        var location = $"/{HubRoutes.Prefix}/suggestions/{id}";
        request.HttpContext.Response.Headers.Location = location;
        if (replayed)
        {
            request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        }

        return TypedResults.Json(new SuggestionAccepted(id, status, location), HubJson.Info<SuggestionAccepted>(),
            contentType: "application/json", statusCode: StatusCodes.Status202Accepted);
    }

    public async Task<Results<JsonHttpResult<SuggestionView>, ProblemHttpResult>> GetAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (auth.Authenticate(request) is not { } platform)
        {
            return PlatformAuth.Unauthorized();
        }

        var (suggestion, steps) = await store.ReadAsync(id, cancellationToken);
        if (suggestion is null || suggestion.Platform != platform.Name)
        {
            // Another platform's suggestion is reported as absent, not as forbidden: ids reveal nothing.
            return Problems.NotFound($"No suggestion '{id}' for this platform.");
        }

        return TypedResults.Json(View(suggestion, steps), HubJson.Info<SuggestionView>());
    }

    /// <summary><c>POST /suggestions/{id}/rating</c>: the resident's 满意 / 基本满意 / 不满意, relayed by the platform.</summary>
    public async Task<Results<JsonHttpResult<SuggestionView>, ProblemHttpResult>> RateAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (auth.Authenticate(request) is not { } platform)
        {
            return PlatformAuth.Unauthorized();
        }

        var (node, bodyProblem) = await RequestBody.ReadJsonAsync(request, 4096, cancellationToken);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        var (rating, comment, problem) = ReadRating(node);
        if (problem is not null)
        {
            return problem;
        }

        var current = await store.FindAsync(id, cancellationToken);
        if (current is null || current.Platform != platform.Name)
        {
            return Problems.NotFound($"No suggestion '{id}' for this platform.");
        }

        string? refusal = null;
        var committed = await service.ChangeAsync(id, s =>
        {
            var (step, why) = SuggestionSteps.Rate(s, rating!, service.Now);
            refusal = why;
            if (step is not null && comment is not null)
            {
                step.SealedComment = store.SealComment(id, s.TimelineCount + 1, comment);
            }

            return step is null ? null : [step];
        }, cancellationToken);
        if (refusal is not null)
        {
            return Problems.Field("status", refusal, StatusCodes.Status409Conflict);
        }

        var (suggestion, steps) = await store.ReadAsync(id, cancellationToken);
        return TypedResults.Json(View(suggestion ?? committed!.Value.Suggestion, steps), HubJson.Info<SuggestionView>());
    }

    /// <summary>A photo behind a signed link: the link is the credential (an &lt;img&gt; sends no other), and it expires.</summary>
    public async Task<Results<FileContentHttpResult, ProblemHttpResult>> PhotoAsync(HttpRequest request, string id, string photo, CancellationToken cancellationToken)
    {
        var query = request.Query;
        if (!int.TryParse(photo, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= SuggestionPhotos.MaxPhotos
            || !links.IsValid(id, index, query["k"], query["exp"], query["sig"]))
        {
            // One answer for every bad link (forged, expired, another photo's), so it tells nothing.
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "This photo link is not valid or has expired: read the suggestion again for a fresh link.");
        }

        var suggestion = await store.FindAsync(id, cancellationToken);
        var jpeg = suggestion is null ? null : await store.OpenPhotoAsync(suggestion, index, cancellationToken);
        if (jpeg is null)
        {
            return Problems.NotFound("No such photo.");
        }

        request.HttpContext.Response.Headers.ContentDisposition = $"inline; filename=\"photo-{index}.jpg\"";
        return TypedResults.Bytes(jpeg, "image/jpeg");
    }

    public SuggestionView View(SuggestionEntity s, IReadOnlyList<SuggestionStepEntity> steps)
    {
        var resident = s.ErasedAt is null ? store.OpenResident(s) : null;
        return new SuggestionView(
            s.PartitionKey,
            s.Community,
            communities.Find(s.Community)?.Name ?? s.Community,
            s.Category,
            SuggestionSteps.StatusOf(s),
            resident?.Text,
            resident?.Address,
            resident?.Latitude is { } lat && resident.Longitude is { } lon ? new GeoPoint(lat, lon) : null,
            s.ContactNameMasked,
            s.ContactPhoneMasked,
            s.SubmittedAt,
            s.UpdatedAt,
            SuggestionSteps.ClockOf(s),
            s.Rating,
            links.For(s),
            [.. steps.Select(e => new SuggestionStep(e.Sequence, e.At, e.Step, e.Status, e.Summary,
                e.SealedComment is null ? e.Note : store.OpenComment(e), e.Actor, e.Department, e.Rating))],
            s.ErasedAt);
    }

    private static (string? Rating, string? Comment, ProblemHttpResult? Problem) ReadRating(JsonNode? node)
    {
        if (node is not JsonObject body)
        {
            return (null, null, Problems.Field("body", "must be a JSON object: {\"rating\": \"满意\" | \"基本满意\" | \"不满意\", \"comment\": optional}."));
        }

        if (body.Select(p => p.Key).FirstOrDefault(k => k is not ("rating" or "comment")) is { } unknown)
        {
            return (null, null, Problems.Field(unknown.Length <= 40 ? unknown : unknown[..40], "is not a field of a rating (rating, comment)."));
        }

        if (body["rating"] is not JsonValue r || r.GetValueKind() != JsonValueKind.String || !SuggestionSteps.Ratings.Contains(r.GetValue<string>()))
        {
            return (null, null, Problems.Field("rating", $"must be one of {string.Join("、", SuggestionSteps.Ratings)}."));
        }

        string? comment = null;
        if (body["comment"] is { } c)
        {
            if (c is not JsonValue v || v.GetValueKind() != JsonValueKind.String
                || Applications.ApplicationText.Check(v.GetValue<string>(), out var trimmed) is not null || trimmed.EnumerateRunes().Count() > 200)
            {
                return (null, null, Problems.Field("comment", "must be one line of 1-200 characters."));
            }

            comment = trimmed;
        }

        return (r.GetValue<string>(), comment, null);
    }
}
