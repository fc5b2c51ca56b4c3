using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using IntegrationHub.Applications;
using IntegrationHub.Catalog;
using IntegrationHub.Contracts;
using IntegrationHub.Delivery;
using IntegrationHub.Departments;
using IntegrationHub.Http;
using IntegrationHub.Privacy;
using IntegrationHub.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace IntegrationHub.Portal;

/// <summary>
/// The operators' API under <c>/api/v1/portal</c>. Everything personal leaves masked; the only way to an
/// unmasked field is <see cref="RevealAsync"/>, which needs the operator role and a reason and is audited.
/// </summary>
public sealed class PortalApi(
    PortalAuth auth,
    AuditLog audit,
    HubTables tables,
    ApplicationStore store,
    HandoffQueue queue,
    CircuitStates circuits,
    FollowUpSchedule followUps,
    ServiceCatalog catalog,
    IdHasher idHasher,
    PersonalData personalData,
    FormPersonalData forms,
    FormFieldTitles formTitles,
    PayloadMasker masker,
    IOptions<PortalOptions> options,
    TimeProvider time)
{
    private const int MaxResults = 200;
    private static readonly string[] SearchCriteria = ["applicationId", "caseNumber", "item", "department", "state", "from", "to", "idNumber"];

    public async Task<IResult> SignInAsync(HttpRequest request, CancellationToken cancellationToken)
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
        return Results.Json(new SessionView(user!.Name, user.Role), PortalJson.Info<SessionView>());
    }

    public async Task<IResult> SignOutAsync(HttpRequest request, CancellationToken cancellationToken)
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
        return Results.NoContent();
    }

    public async Task<IResult> MeAsync(HttpRequest request, CancellationToken cancellationToken) =>
        await auth.AuthenticateAsync(request, cancellationToken) is { } user
            ? Results.Json(new SessionView(user.Name, user.Role), PortalJson.Info<SessionView>())
            : SignInRequired();

    public async Task<IResult> DashboardAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateAsync(request, cancellationToken) is null)
        {
            return SignInRequired();
        }

        var now = time.GetUtcNow();
        var applications = await ScanAsync([], cancellationToken);
        var open = await circuits.OpenAnywhereAsync(cancellationToken);
        var departments = ServiceCatalog.DepartmentCodes
            .Where(d => catalog.Entries.Any(e => e.Item.Department == d && e.Item.Online))
            .Select(d => new DepartmentCounts(d, catalog.Entries.First(e => e.Item.Department == d).Item.DepartmentName,
                Enum.GetNames<HandoffState>().ToDictionary(s => s, s => applications.Count(a => a.Department == d && a.Handoff == s)),
                open.ContainsKey(d)))
            .ToList();
        var firstHour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-23);
        var hours = Enumerable.Range(0, 24).Select(h => firstHour.AddHours(h)).Select(h => new HourCount(h,
            applications.Count(a => a.SubmittedAt >= h && a.SubmittedAt < h.AddHours(1)),
            applications.Count(a => a.LastFailedAt >= h && a.LastFailedAt < h.AddHours(1)))).ToList();
        return Results.Json(new Dashboard(departments, hours, applications.Count(a => IsUnacknowledged(a, now))), PortalJson.Info<Dashboard>());
    }

    /// <summary><c>GET /portal/handoffs?…</c>: every criterion but the ID number, which never goes into a URL (access logs keep URLs).</summary>
    public async Task<IResult> SearchAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateAsync(request, cancellationToken) is null)
        {
            return SignInRequired();
        }

        if (request.Query.ContainsKey("idNumber"))
        {
            return Problems.Field("idNumber", "must not be sent in a URL: POST the criteria to /api/v1/portal/handoffs/search.");
        }

        return await SearchAsync(request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()), cancellationToken);
    }

    /// <summary><c>POST /portal/handoffs/search</c> with the criteria as a JSON object of strings, the ID number among them.</summary>
    public async Task<IResult> SearchByBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (auth.RefuseCrossOrigin(request) is { } crossOrigin)
        {
            return crossOrigin;
        }

        if (await auth.AuthenticateAsync(request, cancellationToken) is null)
        {
            return SignInRequired();
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

    private async Task<IResult> SearchAsync(Dictionary<string, string> query, CancellationToken cancellationToken)
    {
        var filters = new List<string>();
        string Get(string name) => query.GetValueOrDefault(name) ?? "";
        foreach (var unknown in query.Keys.Except(SearchCriteria))
        {
            return Problems.Field(unknown, $"is not a search criterion ({string.Join(", ", SearchCriteria)}).");
        }

        if (Get("applicationId") is { Length: > 0 } id)
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {id}"));
        }

        if (Get("caseNumber") is { Length: > 0 } caseNumber)
        {
            filters.Add(TableClient.CreateQueryFilter($"CaseNumber eq {caseNumber}"));
        }

        if (Get("item") is { Length: > 0 } item)
        {
            if (catalog.Find(item) is null)
            {
                return Problems.Field("item", "is not a service item code.");
            }

            filters.Add(TableClient.CreateQueryFilter($"ItemCode eq {item.ToUpperInvariant()}"));
        }

        if (Get("department") is { Length: > 0 } department)
        {
            if (!ServiceCatalog.DepartmentCodes.Contains(department.ToUpperInvariant()))
            {
                return Problems.Field("department", $"must be one of {string.Join(", ", ServiceCatalog.DepartmentCodes)}.");
            }

            filters.Add(TableClient.CreateQueryFilter($"Department eq {department.ToUpperInvariant()}"));
        }

        if (Get("state") is { Length: > 0 } state)
        {
            if (!Enum.TryParse<HandoffState>(state, ignoreCase: true, out var parsed) || int.TryParse(state, out _))
            {
                return Problems.Field("state", $"must be one of {string.Join(", ", Enum.GetNames<HandoffState>())}.");
            }

            filters.Add(TableClient.CreateQueryFilter($"Handoff eq {parsed.ToString()}"));
        }

        foreach (var (name, op) in new[] { ("from", "ge"), ("to", "lt") })
        {
            if (Get(name) is { Length: > 0 } text)
            {
                if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
                {
                    return Problems.Field(name, "must be an ISO 8601 date or time.");
                }

                filters.Add(op == "ge"
                    ? TableClient.CreateQueryFilter($"SubmittedAt ge {at}")
                    : TableClient.CreateQueryFilter($"SubmittedAt lt {at}"));
            }
        }

        if (Get("idNumber") is { Length: > 0 } idNumber)
        {
            if (!CitizenId.IsValid(idNumber.Trim().ToUpperInvariant()))
            {
                return Problems.Field("idNumber", "must be a full, valid 18-character ID number.");
            }

            // Only the keyed hash is stored searchable; the number itself is never a query value.
            filters.Add(TableClient.CreateQueryFilter($"IdNumberHash eq {idHasher.Hash(idNumber)}"));
        }

        var now = time.GetUtcNow();
        var found = (await ScanAsync(filters, cancellationToken)).OrderByDescending(a => a.UpdatedAt).ToList();
        return Results.Json(new HandoffList(found.Count, [.. found.Take(MaxResults).Select(a => Summary(a, now))]), PortalJson.Info<HandoffList>());
    }

    public async Task<IResult> UnacknowledgedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateAsync(request, cancellationToken) is null)
        {
            return SignInRequired();
        }

        var now = time.GetUtcNow();
        var found = (await ScanAsync([], cancellationToken)).Where(a => IsUnacknowledged(a, now)).OrderBy(a => a.SubmittedAt).ToList();
        return Results.Json(new HandoffList(found.Count, [.. found.Take(MaxResults).Select(a => Summary(a, now))]), PortalJson.Info<HandoffList>());
    }

    public async Task<IResult> DetailAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateAsync(request, cancellationToken) is null)
        {
            return SignInRequired();
        }

        if (await store.FindAsync(id, cancellationToken) is not { } application)
        {
            return Problems.NotFound($"No application '{id}'.");
        }

        // Every personal value leaves masked by its declaration; the list of them is what an operator may reveal.
        var submission = personalData.Open(application);
        var result = personalData.OpenResult(application);
        var timeline = await store.TimelineAsync(id, cancellationToken);

        // Status queries that brought nothing new wait on the follow-up row until the next entry is written; shown here
        // too, so the detail always accounts for every request the department received.
        var unwritten = await followUps.UnwrittenCallsAsync(id, cancellationToken);
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
            [.. timeline.Select(e => new PortalTimelineEntry(e.Sequence, e.At, e.Kind, e.Summary, e.Status, e.Outcome, e.DurationMs,
                e.DepartmentCode, e.DepartmentMessage, e.CaseNumber, e.TraceId, e.RequestPayload, e.ResponsePayload, e.Actor,
                e.CallCount, e.Calls is null ? null : DepartmentCall.FromJson(e.Calls),
                PortalText.Kind(e.Kind), PortalText.Sentence(e, application.Department), PortalText.Outcome(e.Outcome), PortalText.Status(e.Status)))],
            unwritten.Count == 0 ? null : unwritten,
            submission is null ? null : formTitles.Describe(application.ItemCode, masked));
        return Results.Json(detail, PortalJson.Info<HandoffDetail>());
    }

    public async Task<IResult> ReplayAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (auth.RefuseCrossOrigin(request) is { } crossOrigin)
        {
            return crossOrigin;
        }

        var (user, refused) = await RequireOperatorAsync(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        // No field is read, but the body must be JSON: a cross-site form cannot send that without the browser asking first.
        var (_, notJson) = await RequestBody.ReadJsonAsync(request, 4096, cancellationToken);
        if (notJson is not null)
        {
            return notJson;
        }

        var (result, problem) = await ReplayOneAsync(user!, id, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        await audit.AppendAsync(user!, "replay", id, null, result, cancellationToken);
        return Results.Json(new ReplayResult(1, [id], []), PortalJson.Info<ReplayResult>(), statusCode: StatusCodes.Status202Accepted);
    }

    public async Task<IResult> BulkReplayAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (auth.RefuseCrossOrigin(request) is { } crossOrigin)
        {
            return crossOrigin;
        }

        var (user, refused) = await RequireOperatorAsync(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var (node, problem) = await RequestBody.ReadJsonAsync(request, 4096, cancellationToken);
        if (problem is not null)
        {
            return problem;
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

        var filters = new List<string> { TableClient.CreateQueryFilter($"Handoff eq {nameof(HandoffState.Failed)}") };
        filters.Add(scope.Department is { Length: > 0 } d
            ? TableClient.CreateQueryFilter($"Department eq {d.ToUpperInvariant()}")
            : TableClient.CreateQueryFilter($"ItemCode eq {scope.ItemCode!.ToUpperInvariant()}"));
        var replayed = new List<string>();
        var skipped = new List<string>();
        foreach (var application in await ScanAsync(filters, cancellationToken))
        {
            var (_, failed) = await ReplayOneAsync(user!, application.PartitionKey, cancellationToken);
            (failed is null ? replayed : skipped).Add(application.PartitionKey);
        }

        await audit.AppendAsync(user!, "bulk-replay", scope.Department ?? scope.ItemCode!, null,
            $"replayed {replayed.Count}, skipped {skipped.Count}: {string.Join(",", replayed)}", cancellationToken);
        return Results.Json(new ReplayResult(replayed.Count, replayed, skipped), PortalJson.Info<ReplayResult>(), statusCode: StatusCodes.Status202Accepted);
    }

    public async Task<IResult> ResolveAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (auth.RefuseCrossOrigin(request) is { } crossOrigin)
        {
            return crossOrigin;
        }

        var (user, refused) = await RequireOperatorAsync(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var (reason, problem) = await ReadReasonAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var wasFailed = false;
        var committed = await store.UpdateAsync(id, application =>
        {
            wasFailed = application.Handoff == nameof(HandoffState.Failed);
            if (!wasFailed)
            {
                return null;
            }

            application.Handoff = nameof(HandoffState.Resolved);

            // Assumption: a resolved hand-off is closed for the hub (handled outside it), so retention starts as for a final status.
            application.ClosedAt ??= time.GetUtcNow();
            return [new TimelineEntity { Kind = "resolved", Summary = PortalText.ResolvedSummary(user!.Name, reason!), Actor = user.Name }];
        }, cancellationToken);
        if (committed is null)
        {
            return Problems.NotFound($"No application '{id}'.");
        }

        if (!wasFailed)
        {
            return Problems.Field("handoff", $"is {committed.Application.Handoff}; only a failed hand-off can be resolved.", StatusCodes.Status409Conflict);
        }

        await queue.ClearPendingAsync(id, cancellationToken);
        await audit.AppendAsync(user!, "resolve", id, reason, null, cancellationToken);
        return Results.NoContent();
    }

    public async Task<IResult> RevealAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (auth.RefuseCrossOrigin(request) is { } crossOrigin)
        {
            return crossOrigin;
        }

        var (user, refused) = await RequireOperatorAsync(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var (node, problem) = await RequestBody.ReadJsonAsync(request, 4096, cancellationToken);
        if (problem is not null)
        {
            return problem;
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

        if (await store.FindAsync(id, cancellationToken) is not { } application)
        {
            return Problems.NotFound($"No application '{id}'.");
        }

        if (application.ErasedAt is { } erasedAt)
        {
            return Results.Problem(statusCode: StatusCodes.Status410Gone, title: "Personal data erased",
                detail: $"The personal data of '{id}' was erased at {erasedAt:O} (retention); only the masked timeline is kept.");
        }

        var value = PersonalValues(application, personalData.Open(application), personalData.OpenResult(application))
            .Where(v => v.Field == reveal.Field).Select(v => v.Value).FirstOrDefault();
        if (value is null)
        {
            return Problems.Field("field", $"'{reveal.Field}' is not a personal field of this application; the detail view lists them as revealable.");
        }

        await audit.AppendAsync(user!, "reveal", id, reveal.Reason, reveal.Field, cancellationToken);
        return Results.Json(new RevealView(reveal.Field, value), PortalJson.Info<RevealView>());
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

    public async Task<IResult> AuditAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (await auth.AuthenticateAsync(request, cancellationToken) is null)
        {
            return SignInRequired();
        }

        return Results.Json(new AuditList(await audit.NewestAsync(200, cancellationToken)), PortalJson.Info<AuditList>());
    }

    /// <summary>
    /// Moves a failed hand-off back to waiting (ETag-guarded, so two clicks cannot send two messages) and
    /// enqueues it with its lineage; the dispatcher reuses the application's fixed delivery key.
    /// </summary>
    private async Task<(string? Detail, IResult? Problem)> ReplayOneAsync(PortalUser user, string id, CancellationToken cancellationToken)
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

        int? lastAttempt = null;
        var committed = await store.UpdateAsync(id, current =>
        {
            if (current.Handoff != nameof(HandoffState.Failed))
            {
                return null;
            }

            current.Handoff = nameof(HandoffState.Waiting);
            current.FailedAttempts = 0;
            return [new TimelineEntity { Kind = "replay-requested", Summary = $"Replay requested by {user.Name}", Actor = user.Name }];
        }, cancellationToken);
        if (committed is null || committed.Added.Count == 0)
        {
            return (null, Problems.Field("handoff", $"is {committed?.Application.Handoff}; only a failed hand-off can be replayed.", StatusCodes.Status409Conflict));
        }

        lastAttempt = (await store.TimelineAsync(id, cancellationToken)).LastOrDefault(e => e.Kind == "attempt")?.Sequence;
        await queue.SendAsync(new HandoffMessage(id, ReplayOf: lastAttempt ?? 0, ReplayedBy: user.Name), TimeSpan.Zero, cancellationToken);
        return ($"replay of attempt {lastAttempt}", null);
    }

    private static async Task<(string? Reason, IResult? Problem)> ReadReasonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (node, problem) = await RequestBody.ReadJsonAsync(request, 4096, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        var reason = Deserialize(node, PortalJsonContext.Default.ReasonRequest)?.Reason?.Trim();
        return reason is { Length: >= 2 and <= 500 } ? (reason, null) : (null, Problems.Field("reason", "is required (2-500 characters)."));
    }

    private async Task<(PortalUser? User, IResult? Refused)> RequireOperatorAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.AuthenticateAsync(request, cancellationToken);
        if (user is null)
        {
            return (null, SignInRequired());
        }

        return user.IsOperator
            ? (user, null)
            : (user, Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "This action needs the operator role; viewers can only read."));
    }

    private async Task<List<ApplicationEntity>> ScanAsync(List<string> filters, CancellationToken cancellationToken)
    {
        // A full scan of application rows, filtered server-side: fine at a district's volume; an index table would replace it at city scale.
        var table = await tables.Applications();
        var filter = string.Join(" and ", filters.Prepend(TableClient.CreateQueryFilter($"RowKey eq {ApplicationEntity.Row}")));
        var found = new List<ApplicationEntity>();
        await foreach (var application in table.QueryAsync<ApplicationEntity>(filter, cancellationToken: cancellationToken))
        {
            found.Add(application);
        }

        return found;
    }

    private bool IsUnacknowledged(ApplicationEntity application, DateTimeOffset now) =>
        application.Status is nameof(ApplicationStatus.Submitted) or nameof(ApplicationStatus.Delivered)
        && application.Handoff != nameof(HandoffState.Resolved)
        && now - application.SubmittedAt > options.Value.UnacknowledgedAfter;

    private HandoffSummary Summary(ApplicationEntity a, DateTimeOffset now) => new(
        a.PartitionKey,
        a.ItemCode,
        catalog.Find(a.ItemCode)?.Item.NameZh ?? a.ItemCode,
        a.Department,
        Enum.Parse<ApplicationStatus>(a.Status),
        Enum.Parse<HandoffState>(a.Handoff),
        a.CaseNumber,
        a.ApplicantNameMasked,
        a.SubmittedAt,
        a.UpdatedAt,
        a.FailedAttempts,
        IsUnacknowledged(a, now));

    private static T? Deserialize<T>(JsonNode? node, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) where T : class
    {
        try
        {
            return node is JsonObject ? node.Deserialize(info) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult SignInRequired() =>
        Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "Sign in to the portal first.");
}
