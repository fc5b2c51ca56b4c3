using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Handoff;
using IntegrationHub.Portal;
using IntegrationHub.Privacy;
using IntegrationHub.Tests.Fixtures;
using Microsoft.AspNetCore.Http;

namespace IntegrationHub.Tests.Portal;

/// <summary>
/// The operators' API alone: its handlers called with a request as the route would pass it, over real storage and the
/// clock the test moves, with the department scripted. What the portal page makes of the answers is PortalUiTests' part.
/// </summary>
public sealed class PortalApiTests : IAsyncDisposable
{
    private const string IdNumber = "11010519491231002X";
    private const string Phone = "13812345678";

    private readonly HubComponents _hub = new(settings =>
    {
        settings["Portal:Accounts:1:User"] = "viewer";
        settings["Portal:Accounts:1:Password"] = "component-tests-password";
        settings["Portal:Accounts:1:Role"] = "viewer";
    });

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private PortalApi Api => _hub.Get<PortalApi>();

    [Fact]
    public async Task DashboardAsync_DeliveredFailedAndWaiting_EachCountedInItsStateAndTheHoursSubmissions()
    {
        await _hub.DeliveredAsync();
        await FailedAsync();
        await _hub.SubmitAsync();
        var cookie = await SignInAsync("viewer");

        var (status, dashboard) = await CallAsync((api, r) => api.DashboardAsync(r, CancellationToken.None), cookie);

        Assert.Equal(StatusCodes.Status200OK, status);
        var counts = dashboard!["departments"]!.AsArray().Single(d => d!["department"]!.GetValue<string>() == "GA")!["counts"]!;
        Assert.Equal((1, 1, 1, 0), (Count(counts, "Delivered"), Count(counts, "Failed"), Count(counts, "Waiting"), Count(counts, "Retrying")));
        var hour = dashboard["hours"]!.AsArray()[^1]!;
        Assert.Equal((3, 1), (hour["submitted"]!.GetValue<int>(), hour["failed"]!.GetValue<int>()));
    }

    [Fact]
    public async Task SearchByBodyAsync_ApplicantsName_FoundWithTheNameMaskedWhileTheUrlFormIsRefused()
    {
        var id = await _hub.DeliveredAsync();
        await _hub.DeliveredAsync(); // the fixture's applicant again: both applications are found
        var cookie = await SignInAsync("operator");

        var (status, found) = await CallAsync((api, r) => api.SearchByBodyAsync(r, CancellationToken.None), cookie, new JsonObject { ["name"] = "王五" });
        var (refused, _) = await CallAsync((api, r) => api.SearchAsync(r, CancellationToken.None), cookie, query: "?name=%E7%8E%8B%E4%BA%94");

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(2, found!["total"]!.GetValue<int>());
        var item = found["items"]!.AsArray().Single(i => i!["applicationId"]!.GetValue<string>() == id)!;
        Assert.Equal(Masking.Name("王五"), item["applicantName"]!.GetValue<string>());
        Assert.DoesNotContain("王五", found.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status400BadRequest, refused);
    }

    [Fact]
    public async Task DetailAsync_AnyApplication_PersonalValuesMaskedUntilRevealedWithAReasonWhichIsAudited()
    {
        var id = await _hub.DeliveredAsync();
        var cookie = await SignInAsync("operator");

        var (_, detail) = await CallAsync((api, r) => api.DetailAsync(r, id, CancellationToken.None), cookie);
        var (noReason, _) = await CallAsync((api, r) => api.RevealAsync(r, id, CancellationToken.None), cookie, new JsonObject { ["field"] = "idNumber" });
        var (revealed, value) = await CallAsync((api, r) => api.RevealAsync(r, id, CancellationToken.None), cookie,
            new JsonObject { ["field"] = "idNumber", ["reason"] = "resident asked by phone" });

        var text = detail!.ToJsonString();
        Assert.DoesNotContain(IdNumber, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Phone, text, StringComparison.Ordinal);
        Assert.Equal((Masking.IdNumber(IdNumber), Masking.Phone(Phone)), (detail["applicantIdNumber"]!.GetValue<string>(), detail["applicantPhone"]!.GetValue<string>()));
        Assert.Contains(detail["revealable"]!.AsArray(), f => f!["field"]!.GetValue<string>() == "idNumber");
        Assert.Equal(StatusCodes.Status400BadRequest, noReason);
        Assert.Equal((StatusCodes.Status200OK, IdNumber), (revealed, value!["value"]!.GetValue<string>()));
        var audit = Assert.Single(await AuditAsync());
        Assert.Equal(("operator", "reveal", id, "resident asked by phone", "idNumber", _hub.Time.GetUtcNow()), (audit.User, audit.Action, audit.Target, audit.Reason, audit.Detail, audit.At));
    }

    [Fact]
    public async Task ResolveAsync_FailedHandoffByAnOperator_ResolvedAndClosedAtTheClocksTimeAndAuditedOnce()
    {
        var id = await FailedAsync();
        _hub.Time.Advance(TimeSpan.FromHours(2));
        var cookie = await SignInAsync("operator");

        var (status, _) = await CallAsync((api, r) => api.ResolveAsync(r, id, CancellationToken.None), cookie, new JsonObject { ["reason"] = "handled at the counter" });
        var (again, _) = await CallAsync((api, r) => api.ResolveAsync(r, id, CancellationToken.None), cookie, new JsonObject { ["reason"] = "handled at the counter" });

        Assert.Equal((StatusCodes.Status204NoContent, StatusCodes.Status409Conflict), (status, again));
        var resolved = await _hub.ReadAsync(id);
        Assert.Equal((HandoffState.Resolved, _hub.Time.GetUtcNow()), (resolved.Handoff, resolved.ClosedAt));
        Assert.Contains(await _hub.Store.TimelineAsync(id, CancellationToken.None), e => e.Kind == "resolved" && e.Actor == "operator");
        var audit = Assert.Single(await AuditAsync());
        Assert.Equal(("resolve", id, "handled at the counter", _hub.Time.GetUtcNow()), (audit.Action, audit.Target, audit.Reason, audit.At));
    }

    [Fact]
    public async Task ResolveAndReplay_Viewer_ForbiddenAndNothingChangesOrIsAudited()
    {
        var id = await FailedAsync();
        var cookie = await SignInAsync("viewer");

        var (resolve, _) = await CallAsync((api, r) => api.ResolveAsync(r, id, CancellationToken.None), cookie, new JsonObject { ["reason"] = "handled at the counter" });
        var (replay, _) = await CallAsync((api, r) => api.ReplayAsync(r, id, CancellationToken.None), cookie, []);

        Assert.Equal((StatusCodes.Status403Forbidden, StatusCodes.Status403Forbidden), (resolve, replay));
        Assert.Equal(HandoffState.Failed, (await _hub.ReadAsync(id)).Handoff);
        Assert.Empty(await AuditAsync());
    }

    [Fact]
    public async Task ReplayAsync_FailedHandoff_WaitingAgainDueNowAuditedAndDeliveredByTheNextDispatch()
    {
        var id = await FailedAsync();
        _hub.Time.Advance(TimeSpan.FromMinutes(30));
        var cookie = await SignInAsync("operator");

        var (status, _) = await CallAsync((api, r) => api.ReplayAsync(r, id, CancellationToken.None), cookie, []);
        var (again, _) = await CallAsync((api, r) => api.ReplayAsync(r, id, CancellationToken.None), cookie, []);

        Assert.Equal((StatusCodes.Status202Accepted, StatusCodes.Status409Conflict), (status, again));
        var waiting = await _hub.ReadAsync(id);
        Assert.Equal((HandoffState.Waiting, 0), (waiting.Handoff, waiting.FailedAttempts));
        Assert.Equal(_hub.Time.GetUtcNow(), (await _hub.PendingAsync(id))!.VisibleAt);
        var audit = Assert.Single(await AuditAsync());
        Assert.Equal(("replay", id, "operator"), (audit.Action, audit.Target, audit.User));

        _hub.Department.Answers(new HandoffOutcome(HandoffOutcomeKind.Received, CaseNumber: HubComponents.CaseNumber(id)));
        await _hub.Get<HandoffDispatcher>().HandleAsync(HubComponents.Message(id), CancellationToken.None);
        Assert.Equal(HandoffState.Delivered, (await _hub.ReadAsync(id)).Handoff);
        Assert.Equal(4, _hub.Department.HandoffsReceived); // three failed attempts, then the replay
    }

    private static int Count(JsonNode counts, string state) => counts[state]!.GetValue<int>();

    // An application whose hand-off timed out on every attempt the budget allows (Handoff:MaxAttempts = 3).
    private async Task<string> FailedAsync()
    {
        var id = await _hub.SubmitAsync();
        var timeout = new HandoffOutcome(HandoffOutcomeKind.Transient, DepartmentCode: "timeout");
        _hub.Department.Answers(timeout, timeout, timeout);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await _hub.Get<HandoffDispatcher>().HandleAsync(HubComponents.Message(id), CancellationToken.None);
            if (await _hub.PendingAsync(id) is { Handoff: nameof(HandoffState.Retrying) } pending)
            {
                _hub.Time.SetUtcNow(pending.VisibleAt);
            }
        }

        var failed = await _hub.ReadAsync(id);
        Assert.Equal((HandoffState.Failed, 3), (failed.Handoff, failed.FailedAttempts));
        return id;
    }

    private async Task<IReadOnlyList<AuditEntry>> AuditAsync() =>
        [.. (await _hub.Get<AuditLog>().NewestAsync(50, CancellationToken.None)).Where(e => !e.Action.StartsWith("sign-in", StringComparison.Ordinal))];

    private async Task<string> SignInAsync(string user)
    {
        var context = Request(null, new JsonObject { ["user"] = user, ["password"] = "component-tests-password" }, null);
        var result = await Api.SignInAsync(context.Request, CancellationToken.None);
        await result.ExecuteAsync(context);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        return context.Response.Headers.SetCookie.ToString().Split(';')[0];
    }

    private async Task<(int Status, JsonNode? Body)> CallAsync<TResult>(
        Func<PortalApi, HttpRequest, Task<TResult>> handler, string cookie, JsonObject? body = null, string? query = null)
        where TResult : IResult
    {
        var context = Request(cookie, body, query);
        var result = await handler(Api, context.Request);
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return (context.Response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    // A request as the portal's own page sends it: same origin, the session cookie, a JSON body.
    private DefaultHttpContext Request(string? cookie, JsonObject? body, string? query)
    {
        var context = new DefaultHttpContext { RequestServices = _hub.Get<IServiceProvider>() };
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("hub.test");
        context.Request.Headers.Origin = "http://hub.test";
        context.Request.QueryString = new QueryString(query);
        if (cookie is not null)
        {
            context.Request.Headers.Cookie = cookie;
        }

        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }

        context.Response.Body = new MemoryStream();
        return context;
    }
}
