using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Applications;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Handoff;
using IntegrationHub.Departments;
using IntegrationHub.Http;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using IntegrationHub.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Portal;

/// <summary>
/// The operators' API under <c>/api/v1/portal</c>. Everything personal leaves masked; the only way to an
/// unmasked field is <see cref="RevealAsync"/>, which needs the operator role and a reason and is audited.
/// </summary>
internal sealed class PortalApi(
    PortalAuth auth,
    AuditLog audit,
    ApplicationStore store,
    StatusPath statusPath,
    PortalQueries queries,
    HandoffQueue queue,
    CircuitStates circuits,
    FollowUpStore followUps,
    ServiceCatalog catalog,
    PersonalData personalData,
    FormPersonalData forms,
    FormFieldTitles formTitles,
    PayloadMasker masker,
    ApplicationMaterials materials,
    TimeProvider time,
    IOptions<TelemetryOptions> telemetry)
{
    private const int MaxResults = 200;
    private static readonly string[] SearchCriteria = ["applicationId", "caseNumber", "item", "department", "state", "from", "to", "idNumber", "name"];

    // Personal data never goes into a URL (access logs keep URLs): these are searched by POST only.
    private static readonly string[] BodyOnlyCriteria = ["idNumber", "name"];

    public async Task<Results<JsonHttpResult<SessionView>, ProblemHttpResult>> SignInAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (auth.RefuseCrossOrigin(request) is { } crossOrigin)
        {
            return crossOrigin;
        }

        var (node, problem) = await RequestBody.ReadJsonAsync(request, 4096, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var credentials = Deserialize(node, PortalJsonContext.Default.SignInRequest);
        if (credentials is null || string.IsNullOrEmpty(credentials.User) || string.IsNullOrEmpty(credentials.Password))
        {
            return Problems.Field("user", "user and password are required.");
        }

        var (user, refused) = await auth.SignInAsync(request, credentials.User, credentials.Password, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        auth.IssueCookie(request.HttpContext.Response, user!);
        return TypedResults.Json(new SessionView(user!.Name, user.Role, user.Scope), PortalJson.Info<SessionView>());
    }

    public async Task<Results<NoContent, ProblemHttpResult>> SignOutAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (auth.RefuseCrossOrigin(request) is { } crossOrigin)
        {
            return crossOrigin;
        }

        var (_, problem) = await RequestBody.ReadJsonAsync(request, 4096, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        await auth.SignOutAsync(request, cancellationToken);
        return TypedResults.NoContent();
    }

    public async Task<Results<JsonHttpResult<SessionView>, ProblemHttpResult>> MeAsync(HttpRequest request, CancellationToken cancellationToken) =>
        await auth.AuthenticateAsync(request, cancellationToken) is { } user
            ? TypedResults.Json(new SessionView(user.Name, user.Role, user.Scope), PortalJson.Info<SessionView>())
            : PortalAuth.SignInFirst();

    public async Task<Results<JsonHttpResult<Dashboard>, ProblemHttpResult>> DashboardAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (await RefuseNonStaffAsync(request, cancellationToken) is { } refusedRead)
        {
            return refusedRead;
        }

        var (states, hours, unacknowledged) = await queries.DashboardAsync(cancellationToken);
        // Issue 16: the dashboard shows this instance's breakers (no storage call: it is held to 3 calls, issue 9);
        // replay decides on the shared view (IsOpenAnywhereAsync).
        var departments = queries.Departments
            .Select(d => new DepartmentCounts(d, catalog.Entries.First(e => e.Item.Department == d).Item.DepartmentName,
                Enum.GetNames<HandoffState>().ToDictionary(s => s, s => (int)states[d].GetValueOrDefault(s)),
                circuits.IsOpen(d)))
            .ToList();
        return TypedResults.Json(new Dashboard(departments, [.. hours.Select(h => new HourCount(h.Hour, (int)h.Submitted, (int)h.Failed))], (int)unacknowledged),
            PortalJson.Info<Dashboard>());
    }

    /// <summary><c>GET /portal/handoffs?…</c>: every criterion but the ID number and the name, which never go into a URL (access logs keep URLs).</summary>
    public async Task<Results<JsonHttpResult<HandoffList>, ProblemHttpResult>> SearchAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (await RefuseNonStaffAsync(request, cancellationToken) is { } refusedRead)
        {
            return refusedRead;
        }

        foreach (var personal in BodyOnlyCriteria.Where(request.Query.ContainsKey))
        {
            return Problems.Field(personal, "must not be sent in a URL: POST the criteria to /api/v1/portal/handoffs/search.");
        }

        return await SearchAsync(request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()), cancellationToken);
    }

    /// <summary><c>POST /portal/handoffs/search</c> with the criteria as a JSON object of strings, the ID number and the name among them.</summary>
    public async Task<Results<JsonHttpResult<HandoffList>, ProblemHttpResult>> SearchByBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (auth.RefuseCrossOrigin(request) is { } crossOrigin)
        {
            return crossOrigin;
        }

        if (await RefuseNonStaffAsync(request, cancellationToken) is { } refusedRead)
        {
            return refusedRead;
        }

        var (node, problem) = await RequestBody.ReadJsonAsync(request, 4096, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (node is not JsonObject criteria || criteria.Any(c => c.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
        {
            return Problems.Field("body", "must be a JSON object whose values are strings.");
        }

        return await SearchAsync(criteria.ToDictionary(c => c.Key, c => c.Value!.GetValue<string>()), cancellationToken);
    }

    private async Task<Results<JsonHttpResult<HandoffList>, ProblemHttpResult>> SearchAsync(Dictionary<string, string> query, CancellationToken cancellationToken)
    {
        string? Get(string name) => query.GetValueOrDefault(name) is { Length: > 0 } value ? value : null;
        foreach (var unknown in query.Keys.Except(SearchCriteria))
        {
            return Problems.Field(unknown, $"is not a search criterion ({string.Join(", ", SearchCriteria)}).");
        }

        var item = Get("item")?.ToUpperInvariant();
        if (item is not null && catalog.Find(item) is null)
        {
            return Problems.Field("item", "is not a service item code.");
        }

        var department = Get("department")?.ToUpperInvariant();
        if (department is not null && !ServiceCatalog.DepartmentCodes.Contains(department))
        {
            return Problems.Field("department", $"must be one of {string.Join(", ", ServiceCatalog.DepartmentCodes)}.");
        }

        HandoffState? state = null;
        if (Get("state") is { } stateText)
        {
            if (!Enum.TryParse<HandoffState>(stateText, ignoreCase: true, out var parsed) || int.TryParse(stateText, out _))
            {
                return Problems.Field("state", $"must be one of {string.Join(", ", Enum.GetNames<HandoffState>())}.");
            }

            state = parsed;
        }

        var times = new Dictionary<string, DateTimeOffset?>();
        foreach (var name in new[] { "from", "to" })
        {
            times[name] = null;
            if (Get(name) is { } text)
            {
                if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
                {
                    return Problems.Field(name, "must be an ISO 8601 date or time.");
                }

                times[name] = at;
            }
        }

        var idNumber = Get("idNumber")?.Trim().ToUpperInvariant();
        if (idNumber is not null && !CitizenId.IsValid(idNumber))
        {
            return Problems.Field("idNumber", "must be a full, valid 18-character ID number.");
        }

        // Any character a resident's name may have; the name is matched exactly (by its keyed hash), as intake kept it.
        var applicantName = Get("name");
        string? trimmedName = null;
        if (applicantName is not null && ApplicationText.Check(applicantName, out trimmedName) is { } nameProblem)
        {
            return Problems.Field("name", nameProblem);
        }

        var criteria = new SearchCriteria(Get("applicationId"), Get("caseNumber"), item, department, state, times["from"], times["to"], idNumber, trimmedName);
        var found = await queries.SearchAsync(criteria, MaxResults, cancellationToken);
        if (found is not { } result)
        {
            return Problems.Field("state",
                "is needed without an application id, case number, ID number or name: one of Waiting, Retrying, Held, Failed or Resolved (delivered applications are found by a key).");
        }

        var now = time.GetUtcNow();
        return TypedResults.Json(new HandoffList(result.Total, [.. result.Found.Take(MaxResults).Select(a => Summary(a, now))]), PortalJson.Info<HandoffList>());
    }

    public async Task<Results<JsonHttpResult<HandoffList>, ProblemHttpResult>> UnacknowledgedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (await RefuseNonStaffAsync(request, cancellationToken) is { } refusedRead)
        {
            return refusedRead;
        }

        var now = time.GetUtcNow();
        var (found, total) = await queries.UnacknowledgedAsync(MaxResults, cancellationToken);
        return TypedResults.Json(new HandoffList((int)total, [.. found.Select(a => Summary(a, now))]), PortalJson.Info<HandoffList>());
    }

    public async Task<Results<JsonHttpResult<HandoffDetail>, ProblemHttpResult>> DetailAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (await RefuseNonStaffAsync(request, cancellationToken) is { } refusedRead)
        {
            return refusedRead;
        }

        if (await store.ReadAsync(id, cancellationToken) is not { } application)
        {
            return Problems.NotFound($"No application '{id}'.");
        }

        // Every personal value leaves masked by its declaration; the list of them is what an operator may reveal.
        var submission = personalData.Open(application);
        var result = personalData.OpenResult(application);
        var timeline = await store.TimelineAsync(id, cancellationToken);

        // Status queries that brought nothing new wait on the follow-up row until the next entry is written; shown here
        // too, so the detail always accounts for every request the department received.
        var unwritten = DepartmentCall.FromJson((await followUps.FindAsync(id, cancellationToken))?.Calls);
        var masked = submission is null ? null : forms.Form(application.ItemCode).Fields.Mask(submission.Form);
        var detail = new HandoffDetail(
            Summary(application, time.GetUtcNow()),
            submission is null ? null : Masking.IdNumber(submission.Applicant.IdNumber),
            submission is null ? null : Masking.Phone(submission.Applicant.Phone),
            masked,
            masker.MaskResult(application.Department, result),
            application.Reason,
            application.TraceParent,
            [.. PersonalValues(application, submission, result).Select(v => new RevealableField(v.Field, v.Label))],
            application.ErasedAt,
            [.. timeline.Select(e => new PortalTimelineEntry(e.Sequence, e.At, e.Kind, e.Summary, e.Status?.ToString(), e.Outcome, e.DurationMs,
                e.DepartmentCode, e.DepartmentMessage, e.CaseNumber, e.TraceId, e.RequestPayload, e.ResponsePayload, e.Actor,
                e.CallCount, e.Calls is null ? null : DepartmentCall.FromJson(e.Calls),
                PortalText.Kind(e.Kind), PortalText.Sentence(e, application.Department), PortalText.Outcome(e.Outcome), PortalText.Status(e.Status),
                telemetry.Value.TraceLink(e.TraceId)))],
            unwritten.Count == 0 ? null : unwritten,
            submission is null ? null : formTitles.Describe(application.ItemCode, masked),
            materials.Views(application) is { Count: > 0 } held ? held : null,
            materials.Wanted(application));
        return TypedResults.Json(detail, PortalJson.Info<HandoffDetail>());
    }

    public async Task<Results<JsonHttpResult<ReplayResult>, ProblemHttpResult>> ReplayAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (user, _, refused) = await auth.OperatorActionAsync(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var (result, problem) = await ReplayOneAsync(user!, id, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        await audit.AppendAsync(user!, "replay", id, null, result, cancellationToken);
        return TypedResults.Json(new ReplayResult(1, [id], []), PortalJson.Info<ReplayResult>(), statusCode: StatusCodes.Status202Accepted);
    }

    public async Task<Results<JsonHttpResult<ReplayResult>, ProblemHttpResult>> BulkReplayAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (user, node, refused) = await auth.OperatorActionAsync(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var scope = Deserialize(node, PortalJsonContext.Default.BulkReplayRequest);
        if (scope is null || (string.IsNullOrEmpty(scope.Department) == string.IsNullOrEmpty(scope.ItemCode)))
        {
            return Problems.Field("department", "give exactly one of department or itemCode.");
        }

        if (scope.Department is { Length: > 0 } unknownDepartment && !ServiceCatalog.DepartmentCodes.Contains(unknownDepartment.ToUpperInvariant()))
        {
            return Problems.Field("department", $"must be one of {string.Join(", ", ServiceCatalog.DepartmentCodes)}.");
        }

        if (scope.ItemCode is { Length: > 0 } unknownItem && catalog.Find(unknownItem) is null)
        {
            return Problems.Field("itemCode", "is not a service item code.");
        }

        var replayed = new List<string>();
        var skipped = new List<string>();
        foreach (var id in await queries.FailedAsync(
            scope.Department is { Length: > 0 } d ? d.ToUpperInvariant() : null,
            scope.Department is { Length: > 0 } ? null : scope.ItemCode!.ToUpperInvariant(), cancellationToken))
        {
            var (_, failed) = await ReplayOneAsync(user!, id, cancellationToken);
            (failed is null ? replayed : skipped).Add(id);
        }

        await audit.AppendAsync(user!, "bulk-replay", scope.Department ?? scope.ItemCode!, null,
            $"replayed {replayed.Count}, skipped {skipped.Count}: {string.Join(",", replayed)}", cancellationToken);
        return TypedResults.Json(new ReplayResult(replayed.Count, replayed, skipped), PortalJson.Info<ReplayResult>(), statusCode: StatusCodes.Status202Accepted);
    }

    public async Task<Results<NoContent, ProblemHttpResult>> ResolveAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (user, node, refused) = await auth.OperatorActionAsync(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var (reason, problem) = PortalAuth.Reason(node);
        if (problem is not null)
        {
            return problem;
        }

        var wasFailed = false;
        var committed = await statusPath.ChangeAsync(id, application =>
        {
            wasFailed = application.Handoff == HandoffState.Failed;
            if (!wasFailed)
            {
                return null;
            }

            application.Handoff = HandoffState.Resolved;

            // Assumption: a resolved hand-off is closed for the hub (handled outside it), so retention starts as for a final status.
            application.ClosedAt ??= time.GetUtcNow();
            return StatusChange.Of(new TimelineEntity { Kind = "resolved", Summary = PortalText.ResolvedSummary(user!.Name, reason!), Actor = user.Name });
        }, cancellationToken);
        if (committed.Outcome == StepOutcome.Missing)
        {
            return Problems.NotFound($"No application '{id}'.");
        }

        if (!wasFailed)
        {
            return Problems.Field("handoff", $"is {committed.Application!.Handoff}; only a failed hand-off can be resolved.", StatusCodes.Status409Conflict);
        }

        await audit.AppendAsync(user!, "resolve", id, reason, null, cancellationToken);
        return TypedResults.NoContent();
    }

    public async Task<Results<JsonHttpResult<RevealView>, ProblemHttpResult>> RevealAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var (user, node, refused) = await auth.OperatorActionAsync(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var reveal = Deserialize(node, PortalJsonContext.Default.RevealRequest);
        if (reveal?.Field is not { Length: > 0 and <= 200 })
        {
            return Problems.Field("field", "is required: name, idNumber, phone, or a form. or result. field the detail view lists as revealable.");
        }

        if (reveal.Reason?.Trim() is not { Length: >= 2 and <= 500 })
        {
            return Problems.Field("reason", "is required to see personal data (2-500 characters).");
        }

        if (await store.ReadAsync(id, cancellationToken) is not { } application)
        {
            return Problems.NotFound($"No application '{id}'.");
        }

        if (application.ErasedAt is { } erasedAt)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Personal data erased",
                detail: $"The personal data of '{id}' was erased at {erasedAt:O} (retention); only the masked timeline is kept.");
        }

        var value = PersonalValues(application, personalData.Open(application), personalData.OpenResult(application))
            .Where(v => v.Field == reveal.Field).Select(v => v.Value).FirstOrDefault();
        if (value is null)
        {
            return Problems.Field("field", $"'{reveal.Field}' is not a personal field of this application; the detail view lists them as revealable.");
        }

        await audit.AppendAsync(user!, "reveal", id, reveal.Reason, reveal.Field, cancellationToken);
        return TypedResults.Json(new RevealView(reveal.Field, value), PortalJson.Info<RevealView>());
    }

    /// <summary>
    /// Every personal value of an application, named as the reveal call names it: the applicant's <c>name</c>,
    /// <c>idNumber</c> and <c>phone</c>, then <c>form.…</c> and <c>result.…</c> paths from the declarations.
    /// </summary>
    private IEnumerable<(string Field, string Label, string Value)> PersonalValues(ApplicationEntity application, Submission? submission, JsonObject? result)
    {
        if (submission is not null)
        {
            var applicant = new JsonObject
            {
                ["name"] = submission.Applicant.Name,
                ["idNumber"] = submission.Applicant.IdNumber,
                ["phone"] = submission.Applicant.Phone,
            };
            foreach (var value in forms.Applicant.Fields.Values(applicant))
            {
                yield return (value.Path, forms.Applicant.Title(value.Path), value.Value);
            }

            var form = forms.Form(application.ItemCode);
            foreach (var value in form.Fields.Values(submission.Form))
            {
                yield return ($"form.{value.Path}", form.Title(value.Path), value.Value);
            }
        }

        foreach (var value in masker.Result(application.Department).Values(result))
        {
            yield return ($"result.{value.Path}", $"办理结果 {value.Path}", value.Value);
        }
    }

    public async Task<Results<JsonHttpResult<AuditList>, ProblemHttpResult>> AuditAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (await RefuseNonStaffAsync(request, cancellationToken) is { } refusedRead)
        {
            return refusedRead;
        }

        return TypedResults.Json(new AuditList(await audit.NewestAsync(200, cancellationToken)), PortalJson.Info<AuditList>());
    }

    /// <summary>
    /// Moves a failed hand-off back to waiting (ETag-guarded, so two clicks cannot send two messages) and
    /// enqueues it with its lineage; the dispatcher reuses the application's fixed hand-off key.
    /// </summary>
    private async Task<(string? Detail, ProblemHttpResult? Problem)> ReplayOneAsync(PortalUser user, string id, CancellationToken cancellationToken)
    {
        var application = await store.FindAsync(id, cancellationToken);
        if (application is null)
        {
            return (null, Problems.NotFound($"No application '{id}'."));
        }

        if (await circuits.IsOpenAnywhereAsync(application.Department, cancellationToken))
        {
            return (null, Problems.Field("department", $"{application.Department}'s circuit is open: replay when the department answers again.", StatusCodes.Status409Conflict));
        }

        var committed = await statusPath.ChangeAsync(id, current =>
        {
            if (current.Handoff != HandoffState.Failed)
            {
                return null;
            }

            current.Handoff = HandoffState.Waiting;
            current.FailedAttempts = 0;
            return new StatusChange { HandoffVisibleAt = time.GetUtcNow() }
                .With(new TimelineEntity { Kind = "replay-requested", Summary = $"Replay requested by {user.Name}", Actor = user.Name });
        }, cancellationToken);
        if (committed.Outcome != StepOutcome.Committed)
        {
            return (null, Problems.Field("handoff", $"is {committed.Application?.Handoff}; only a failed hand-off can be replayed.", StatusCodes.Status409Conflict));
        }

        // The pending row was written with the step: a crash before this message is sent leaves it for the sweep.
        var lastAttempt = committed.Application!.LastAttempt;
        await queue.SendAsync(new HandoffMessage(id, ReplayOf: lastAttempt ?? 0, ReplayedBy: user.Name), TimeSpan.Zero, cancellationToken);
        return ($"replay of attempt {lastAttempt}", null);
    }

    /// <summary>Issue 12: community workers and street supervisors share the portal's door but see suggestions only.</summary>
    private async Task<ProblemHttpResult?> RefuseNonStaffAsync(HttpRequest request, CancellationToken cancellationToken) =>
        await auth.AuthenticateAsync(request, cancellationToken) switch
        {
            null => PortalAuth.SignInFirst(),
            { IsHubStaff: false } => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "Applications and hand-offs are for the hub's operators and viewers; community roles see suggestions."),
            _ => null,
        };

    private HandoffSummary Summary(ApplicationEntity a, DateTimeOffset now) => new(
        a.PartitionKey,
        a.ItemCode,
        catalog.Find(a.ItemCode)?.Item.NameZh ?? a.ItemCode,
        a.Department,
        a.Status,
        a.Handoff,
        a.CaseNumber,
        a.ApplicantNameMasked,
        a.SubmittedAt,
        a.UpdatedAt,
        a.FailedAttempts,
        queries.IsUnacknowledged(a, now));

    private static T? Deserialize<T>(JsonNode? node, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) where T : class =>
        RequestBody.As(node, info);
}
