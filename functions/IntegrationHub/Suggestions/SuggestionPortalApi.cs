using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using IntegrationHub.Communities;
using IntegrationHub.Contracts;
using IntegrationHub.Http;
using IntegrationHub.Portal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IntegrationHub.Suggestions;

/// <summary>
/// The portal's suggestion pages. A community worker (全科社工) sees and handles its own community's queue; a street
/// supervisor sees every community of its street, breaches first; operators and viewers see every community. Only a
/// community worker takes steps; every step and every reveal of a resident's contact is audited.
/// </summary>
internal sealed class SuggestionPortalApi(
    PortalAuth auth,
    AuditLog audit,
    SuggestionService service,
    SuggestionStore store,
    SuggestionsApi views,
    CommunityRegistry communities,
    TimeProvider time)
{
    private const int MaxResults = 300;
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public async Task<Results<JsonHttpResult<PortalSuggestionList>, ProblemHttpResult>> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (user, refused) = await SignedInAsync(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var state = request.Query["state"].ToString();
        if (state is not ("" or "open" or "all"))
        {
            return Problems.Field("state", "must be open (the default) or all.");
        }

        var (scope, scopeName, inScope) = ScopeOf(user!);
        var filter = Filter(inScope);
        if (state != "all")
        {
            filter = $"({filter}) and " + TableClient.CreateQueryFilter($"Status ne {nameof(SuggestionStatus.Closed)}");
        }

        var now = time.GetUtcNow();
        var found = (await store.ListAsync(filter, cancellationToken)).Select(s => Summary(s, now));

        // Time left first; a street supervisor sees breaches before anything else. Answered ones (clock stopped) follow.
        var ordered = (user!.Role == PortalRoles.StreetSupervisor ? found.OrderByDescending(s => s.Breached) : found.OrderBy(_ => 0))
            .ThenByDescending(s => s.ClockRunning)
            .ThenBy(s => s.ClockRunning ? s.SecondsLeft : 0)
            .ThenByDescending(s => s.UpdatedAt)
            .ToList();
        return TypedResults.Json(new PortalSuggestionList(scope, scopeName, [.. inScope.Select(c => c.Code)], ordered.Count, [.. ordered.Take(MaxResults)]),
            SuggestionJson.Info<PortalSuggestionList>());
    }

    public async Task<Results<JsonHttpResult<PortalSuggestionDetail>, ProblemHttpResult>> DetailAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (user, refused) = await SignedInAsync(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var (suggestion, steps) = await store.ReadAsync(id, cancellationToken);
        if (suggestion is null || !InScope(user!, suggestion))
        {
            return Problems.NotFound($"No suggestion '{id}' in your communities.");
        }

        return TypedResults.Json(Detail(user!, suggestion, steps), SuggestionJson.Info<PortalSuggestionDetail>());
    }

    /// <summary><c>POST /portal/suggestions/{id}/steps</c> <c>{step, note, department}</c>: accept, progress, resolve or transfer.</summary>
    public async Task<Results<JsonHttpResult<PortalSuggestionDetail>, ProblemHttpResult>> StepAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (user, node, current, refused) = await WorkerCallAsync(request, id, 8192, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var (step, note, department, invalid) = ReadStep(node);
        if (invalid is not null)
        {
            return invalid;
        }

        string? refusal = null;
        await service.ChangeAsync(id, s =>
        {
            var (taken, why) = SuggestionSteps.Take(s, step!, note, department, user!.Name, service.Now);
            refusal = why;
            return taken is null ? null : [taken];
        }, cancellationToken);
        if (refusal is not null)
        {
            return Problems.Field("status", refusal, StatusCodes.Status409Conflict);
        }

        await audit.AppendAsync(user!, $"suggestion-{step}", id, null, department is null ? null : $"转办至 {department}", cancellationToken);
        var (suggestion, steps) = await store.ReadAsync(id, cancellationToken);
        return TypedResults.Json(Detail(user!, suggestion ?? current!, steps), SuggestionJson.Info<PortalSuggestionDetail>());
    }

    /// <summary>The resident's name or phone in clear, with a reason, for the community that handles the suggestion; audited.</summary>
    public async Task<Results<JsonHttpResult<PortalRevealView>, ProblemHttpResult>> RevealAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (user, node, suggestion, refused) = await WorkerCallAsync(request, id, 4096, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var reveal = RequestBody.As(node, SuggestionJsonContext.Default.PortalRevealRequest);
        if (reveal?.Field is not ("phone" or "name"))
        {
            return Problems.Field("field", "must be phone or name.");
        }

        if (reveal.Reason?.Trim() is not { Length: >= 2 and <= 500 })
        {
            return Problems.Field("reason", "is required to see personal data (2-500 characters).");
        }

        if (suggestion!.ErasedAt is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Gone",
                detail: "The resident's data was erased (retention): nothing to reveal.");
        }

        var resident = store.OpenResident(suggestion);
        var value = reveal.Field == "phone" ? resident.ContactPhone : resident.ContactName;
        if (value is null)
        {
            return Problems.Field("field", "the resident gave no name.");
        }

        await audit.AppendAsync(user!, "suggestion-reveal", id, reveal.Reason.Trim(), reveal.Field, cancellationToken);
        return TypedResults.Json(new PortalRevealView(reveal.Field, value), SuggestionJson.Info<PortalRevealView>());
    }

    /// <summary>
    /// The door of a community worker's call that changes something: the portal's own origin, a session, the worker role,
    /// a JSON body, and a suggestion of the worker's community (another community's is absent, not forbidden).
    /// </summary>
    private async Task<(PortalUser? User, JsonNode? Body, SuggestionEntity? Suggestion, ProblemHttpResult? Refused)> WorkerCallAsync(
        HttpRequest request, string id, int maxBytes, CancellationToken cancellationToken)
    {
        if (auth.RefuseCrossOrigin(request) is { } crossOrigin)
        {
            return (null, null, null, crossOrigin);
        }

        var (user, refused) = await SignedInAsync(request, cancellationToken);
        if (refused is not null)
        {
            return (null, null, null, refused);
        }

        // The body before the role, as every portal call that changes something: a form body is 415 for anyone.
        var (node, problem) = await RequestBody.ReadJsonAsync(request, maxBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, null, null, problem);
        }

        if (user!.Role != PortalRoles.CommunityWorker)
        {
            return (null, null, null, TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "Only a community worker (全科社工) of the suggestion's community takes its steps or sees the resident's contact."));
        }

        var suggestion = await store.FindAsync(id, cancellationToken);
        return suggestion is null || !InScope(user, suggestion)
            ? (null, null, null, Problems.NotFound($"No suggestion '{id}' in your communities."))
            : (user, node, suggestion, null);
    }

    /// <summary><c>GET /portal/suggestion-stats?weeks=8</c>: accepted and answered within 24 hours, per community per week.</summary>
    public async Task<Results<JsonHttpResult<OnTimeStats>, ProblemHttpResult>> StatsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (user, refused) = await SignedInAsync(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var weeks = 8;
        if (request.Query.TryGetValue("weeks", out var text) && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out weeks) || weeks is < 1 or > 26))
        {
            return Problems.Field("weeks", "must be an integer from 1 to 26.");
        }

        var (_, _, inScope) = ScopeOf(user!);
        var thisWeek = WeekOf(time.GetUtcNow());
        var first = thisWeek.AddDays(-7 * (weeks - 1));
        var since = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), China);
        var rows = await store.ListAsync($"({Filter(inScope)}) and " + TableClient.CreateQueryFilter($"SubmittedAt ge {since}"), cancellationToken);
        var weekStarts = Enumerable.Range(0, weeks).Select(w => first.AddDays(7 * w)).ToList();
        var stats = inScope.Select(c => new CommunityOnTime(c.Code, c.Name, [.. weekStarts.Select(week =>
        {
            var of = rows.Where(r => r.Community == c.Code && WeekOf(r.SubmittedAt) == week).ToList();
            var due = of.Count(r => SuggestionSteps.OnTime(r) is not null);
            var onTime = of.Count(r => SuggestionSteps.OnTime(r) == true);
            return new WeekOnTime(week, of.Count, due, onTime, due == 0 ? null : Math.Round((double)onTime / due, 4));
        })])).ToList();
        return TypedResults.Json(new OnTimeStats(weekStarts, stats), SuggestionJson.Info<OnTimeStats>());
    }

    /// <summary>The Monday (+08:00) of the week <paramref name="at"/> falls in.</summary>
    public static DateOnly WeekOf(DateTimeOffset at)
    {
        var local = DateOnly.FromDateTime(at.ToOffset(China).DateTime);
        return local.AddDays(-(((int)local.DayOfWeek + 6) % 7));
    }

    private PortalSuggestionDetail Detail(PortalUser user, SuggestionEntity suggestion, IReadOnlyList<SuggestionStepEntity> steps)
    {
        var allowed = user.Role != PortalRoles.CommunityWorker ? [] : SuggestionSteps.WorkerSteps
            .Where(step => SuggestionSteps.Take(Copy(suggestion), step, "x", "x", user.Name, service.Now).Step is not null).ToList();
        return new PortalSuggestionDetail(Summary(suggestion, time.GetUtcNow()), views.View(suggestion, steps), allowed,
            user.Role == PortalRoles.CommunityWorker && suggestion.ErasedAt is null);
    }

    // The rules change what they are given; asking "may this step be taken" must not change the row shown.
    private static SuggestionEntity Copy(SuggestionEntity s) => new() { Status = s.Status, AnsweredAt = s.AnsweredAt };

    private PortalSuggestionSummary Summary(SuggestionEntity s, DateTimeOffset now)
    {
        var running = s.AnsweredAt is null && SuggestionSteps.StatusOf(s) != SuggestionStatus.Closed;
        var community = communities.Find(s.Community);
        return new PortalSuggestionSummary(s.PartitionKey, s.Community, community?.Name ?? s.Community, community?.Street.Name ?? s.Street, s.Category,
            SuggestionSteps.StatusOf(s), s.SubmittedAt, s.UpdatedAt, s.DueAt, (long)Math.Floor((s.DueAt - now).TotalSeconds), running,
            s.Warned, s.Breached, SuggestionSteps.OnTime(s), s.ContactNameMasked, s.ContactPhoneMasked, SuggestionStore.PhotosOf(s).Count, s.AcceptedBy);
    }

    private (string Scope, string Name, IReadOnlyList<Community> Communities) ScopeOf(PortalUser user) => CommunityScope.Of(user, communities);

    private bool InScope(PortalUser user, SuggestionEntity suggestion) => ScopeOf(user).Communities.Any(c => c.Code == suggestion.Community);

    // Codes are from the registry (letters, digits, '-'), never from the request; an empty scope matches nothing.
    private static string Filter(IReadOnlyList<Community> scope) =>
        scope.Count == 0 ? "Community eq ''" : string.Join(" or ", scope.Select(c => TableClient.CreateQueryFilter($"Community eq {c.Code}")));

    private async Task<(PortalUser? User, ProblemHttpResult? Refused)> SignedInAsync(HttpRequest request, CancellationToken cancellationToken) =>
        await auth.AuthenticateAsync(request, cancellationToken) is { } user
            ? (user, null)
            : (null, PortalAuth.SignInFirst());

    private static (string? Step, string? Note, string? Department, ProblemHttpResult? Problem) ReadStep(JsonNode? node)
    {
        var request = RequestBody.As(node, SuggestionJsonContext.Default.PortalStepRequest);
        if (request?.Step is not { } step || !SuggestionSteps.WorkerSteps.Contains(step))
        {
            return (null, null, null, Problems.Field("step", $"must be one of {string.Join(", ", SuggestionSteps.WorkerSteps)}."));
        }

        var note = request.Note?.Trim();
        if (step != SuggestionSteps.Accept && (note is null || note.EnumerateRunes().Count() is < 2 or > 500 || note.Any(c => char.IsControl(c) && c != '\n')))
        {
            return (null, null, null, Problems.Field("note", "is required for feedback, a result or a transfer's reason: 2-500 characters."));
        }

        var department = request.Department?.Trim();
        if (step == SuggestionSteps.Transfer && (department is null || department.Length is < 2 or > 50 || department.Any(char.IsControl)))
        {
            return (null, null, null, Problems.Field("department", "is required for a transfer: the department's name, 2-50 characters."));
        }

        return (step, step == SuggestionSteps.Accept ? null : note, step == SuggestionSteps.Transfer ? department : null, null);
    }

}
