using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Local.Sandbox;
using IntegrationHub.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments.Housing;

/// <summary>The adapter as the hub registers it, against the strict bureau sandbox over real HTTP on loopback.</summary>
public sealed class HousingClientTests : IAsyncLifetime
{
    private HousingSandbox _bureau = null!;
    private ServiceProvider _hub = null!;

    public Task InitializeAsync()
    {
        _bureau = FgTestData.Bureau();
        _hub = FgTestData.Hub(_bureau.BaseUrl);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _bureau.DisposeAsync();
    }

    public static TheoryData<string, string> AllSamples()
    {
        var data = new TheoryData<string, string>();
        foreach (var code in FgTestData.ItemCodes)
        {
            data.Add(code, "valid");
            data.Add(code, "validMinimal");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public async Task HandOffAsync_EachItemSample_AcceptedByStrictBureau(string code, string sample)
    {
        var application = Application(code, sample);

        var outcome = await Adapter().HandOffAsync(application, CancellationToken.None);

        var received = Assert.Single(_bureau.ReceivedApplications);
        var instant = code is "FG-003" or "FG-004";
        Assert.True(received.HttpStatus == (instant ? 200 : 202), $"{code}/{sample}: {received.HttpStatus} {received.Answer}");
        Assert.Equal(instant ? HandoffOutcomeKind.Completed : HandoffOutcomeKind.Received, outcome.Kind);
        Assert.Equal(application.HandoffKey, received.RequestId);
        Assert.Equal(_bureau.TicketFor(application.HandoffKey), outcome.CaseNumber);
        Assert.Matches("^FG-[0-9]{8}-[0-9]{6}$", outcome.CaseNumber);
        Assert.Equal(1, _bureau.TicketCount);
        Assert.Equal(received.Body, outcome.RequestPayload);
        Assert.Equal(received.Answer, outcome.ResponsePayload);
    }

    [Fact]
    public async Task HandOffAsync_Request_BearerTokenAndJsonAsDocumented()
    {
        await Adapter().HandOffAsync(Application("FG-001", traceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), CancellationToken.None);

        var received = Assert.Single(_bureau.ReceivedApplications);
        Assert.Matches("^Bearer [0-9a-f]{64}$", received.Headers["Authorization"]);
        Assert.Equal("application/json; charset=utf-8", received.Headers["Content-Type"]);
        // The submission's trace: its parent span is the submission's own, or, where telemetry runs (any test host in this
        // process), the hub's HTTP span in that trace (docs/telemetry.md).
        Assert.Matches("^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$", received.Headers["traceparent"]);
        Assert.Equal(1, _bureau.TokenRequestCount);
    }

    [Fact]
    public async Task HandOffAsync_RareCharacterName_ArrivesIntact()
    {
        var form = FgTestData.Form("FG-001", "validMinimal");
        form["householdMembers"]![0]!["name"] = "王𠈌";
        var application = Application("FG-001", form: form) with { Applicant = FgTestData.Applicant with { Name = "王𠈌" } };

        var outcome = await Adapter().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        var sent = JsonNode.Parse(Assert.Single(_bureau.ReceivedApplications).Body!)!;
        Assert.Equal("王𠈌", sent["applicant"]!["name"]!.GetValue<string>());
        Assert.Equal("王𠈌", sent["payload"]!["household_members"]![0]!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("FG-001")]
    [InlineData("FG-002")]
    [InlineData("FG-005")]
    public async Task HandOffAsync_Payloads_CarryNoPersonalDataOnceThePipelineMasksThem(string code)
    {
        var application = Application(code) with { Applicant = FgTestData.Applicant with { Name = "王𠈌" } };

        var outcome = await Adapter().HandOffAsync(application, CancellationToken.None);

        var masked = new HousingPersonalData().MaskPayload(outcome.RequestPayload!)!;
        List<string> personal = ["王𠈌", application.Applicant.IdNumber, application.Applicant.Phone];
        foreach (var member in application.Form["householdMembers"]?.AsArray() ?? [])
        {
            personal.Add(member!["name"]!.GetValue<string>());
            personal.Add(member["idNumber"]!.GetValue<string>());
        }

        if (application.Form["landlord"] is JsonObject landlord)
        {
            personal.Add(landlord["name"]!.GetValue<string>());
            personal.Add(landlord["idNumber"]!.GetValue<string>());
            personal.Add(application.Form["address"]!.GetValue<string>());
        }

        Assert.All(personal, value => Assert.DoesNotContain(value, masked, StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandOffAsync_HousingCertificate_CompletedWithResult()
    {
        var outcome = await Adapter().HandOffAsync(Application("FG-003"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Completed, outcome.Kind);
        Assert.Equal(ApplicationStatus.Approved, outcome.Status);
        Assert.Equal("completed", outcome.DepartmentCode);
        Assert.StartsWith("FGZM", outcome.Result!["certificate_no"]!.GetValue<string>(), StringComparison.Ordinal);
        var property = Assert.Single(outcome.Result["properties"]!.AsArray())!;
        Assert.Equal(89.47m, property["area_sqm"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task HandOffAsync_MaintenanceFundQuery_CompletedWithBalanceInFen()
    {
        var outcome = await Adapter().HandOffAsync(Application("FG-004"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Completed, outcome.Kind);
        Assert.Equal(ApplicationStatus.Approved, outcome.Status);
        Assert.Equal(1_234_567L, outcome.Result!["balance_fen"]!.GetValue<long>());
        Assert.Equal("2026-06-30T10:00:00+08:00", outcome.Result["last_deposit_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task HandOffAsync_SameApplicationTwice_OneTicketNeverASecond()
    {
        var application = Application("FG-002");

        var first = await Adapter().HandOffAsync(application, CancellationToken.None);
        var second = await Adapter().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, second.Kind);
        Assert.Equal(first.CaseNumber, second.CaseNumber);
        Assert.Equal([202, 200], _bureau.ReceivedApplications.Select(a => a.HttpStatus));
        Assert.All(_bureau.ReceivedApplications, a => Assert.Equal(application.HandoffKey, a.RequestId));
        Assert.Equal(1, _bureau.TicketCount);
    }

    [Fact]
    public async Task HandOffAsync_InstantItemTwice_SameResultOneTicket()
    {
        var application = Application("FG-003");

        var first = await Adapter().HandOffAsync(application, CancellationToken.None);
        var second = await Adapter().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Completed, second.Kind);
        Assert.Equal(first.CaseNumber, second.CaseNumber);
        Assert.True(JsonNode.DeepEquals(first.Result, second.Result));
        Assert.Equal(1, _bureau.TicketCount);
    }

    [Fact]
    public async Task HandOffAsync_ServerErrorTwiceThenFine_OneTicketSameRequestId()
    {
        _bureau.GivenServerError(2);
        var application = Application("FG-001");

        var outcome = await Adapter().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        Assert.Equal([500, 500, 202], _bureau.ReceivedApplications.Select(a => a.HttpStatus));
        Assert.All(_bureau.ReceivedApplications, a => Assert.Equal(application.HandoffKey, a.RequestId));
        Assert.Equal(1, _bureau.TicketCount);
        Assert.Equal(1, _bureau.TokenRequestCount);
    }

    [Fact]
    public async Task HandOffAsync_ServerErrorBeyondRetryBudget_Transient()
    {
        _bureau.GivenServerError(10);

        var outcome = await Adapter().HandOffAsync(Application("FG-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("HTTP 500", outcome.DepartmentCode);
        Assert.Equal(4, _bureau.ReceivedApplications.Count);
        Assert.Equal(0, _bureau.TicketCount);
    }

    [Fact]
    public async Task HandOffAsync_RateLimited_TransientCarryingAtLeastRetryAfterWithoutAnEarlyRetry()
    {
        _bureau.GivenRateLimited(times: 1, retryAfterSeconds: 7);

        var outcome = await Adapter().HandOffAsync(Application("FG-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("rate_limited", outcome.DepartmentCode);
        Assert.True(outcome.RetryAfter >= TimeSpan.FromSeconds(7), $"RetryAfter {outcome.RetryAfter}");
        Assert.NotNull(outcome.RequestPayload);

        // Not asked again sooner than Retry-After: the one 429 is the only request.
        Assert.Equal([429], _bureau.ReceivedApplications.Select(a => a.HttpStatus));
        Assert.Equal(0, _bureau.TicketCount);
    }

    [Fact]
    public async Task HandOffAsync_RateLimitedForASecond_AskedAgainInTheClientNoSoonerThanRetryAfter()
    {
        // The bureau and the hub (which holds the department itself until Retry-After) on a clock the test moves.
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var bureau = FgTestData.Bureau(clock);
        await using var hub = FgTestData.Hub(bureau.BaseUrl, clock);
        var adapter = hub.GetRequiredService<IDepartmentAdapter>();
        bureau.GivenRateLimited(times: 1, retryAfterSeconds: 1);

        var handOff = adapter.HandOffAsync(Application("FG-005"), CancellationToken.None);
        await Eventually.HoldsAsync(() => bureau.ReceivedApplications.Count == 1, "the refusal", TimeSpan.FromSeconds(10));

        // While the clock stands still the second has not passed, however long the machine waits.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Single(bureau.ReceivedApplications);
        var moving = Stopwatch.StartNew();
        while (!handOff.IsCompleted && moving.Elapsed < TimeSpan.FromSeconds(20))
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(20);
        }

        var outcome = await handOff;
        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        var attempts = bureau.ReceivedApplications;
        Assert.Equal([429, 202], attempts.Select(a => a.HttpStatus));
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromSeconds(1), $"gap {attempts[1].At - attempts[0].At}");
    }

    [Fact]
    public async Task HandOffAsync_RateLimitedAmongPacedCalls_OneRefusalAndEveryDeliveryReceivedInTheClient()
    {
        // Three deliveries at once, paced at 4/s (250 ms apart, so each waits for its turn while the first is answered).
        // The first is refused with Retry-After 1. The others were waiting for their turn when the hold began: they wait
        // it out instead of being sent into it, and the refused one is asked again after it, in the client (a second is
        // within Departments:Shared:MaxWait), so none goes back to the queue.
        await using var hub = FgTestData.Hub(_bureau.BaseUrl, overrides: new Dictionary<string, string?> { ["CallsPerSecond"] = "4" });
        var adapter = hub.GetRequiredService<IDepartmentAdapter>();
        _bureau.GivenRateLimited(times: 1, retryAfterSeconds: 1);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => adapter.HandOffAsync(Application("FG-004"), CancellationToken.None)));

        Assert.All(outcomes, o => Assert.Equal(HandoffOutcomeKind.Completed, o.Kind));
        var received = _bureau.ReceivedApplications;
        var refused = Assert.Single(received, r => r.HttpStatus == 429);
        Assert.Equal(4, received.Count);
        Assert.All(received.Where(r => r != refused), r => Assert.True(r.At - refused.At >= TimeSpan.FromSeconds(1), $"sent {r.At - refused.At} after the refusal"));
        // The refused delivery's own calls (after the token request, if it made it): the refusal, then the one answered.
        Assert.Equal([429, 200], outcomes.Single(o => o.Calls!.Any(c => c.HttpStatus == 429)).Calls!.Select(c => c.HttpStatus).SkipWhile(s => s != 429));
    }

    [Fact]
    public async Task HandOffAsync_NotEligible_RejectedWithoutRetry()
    {
        _bureau.GivenNotEligible("家庭人均住房建筑面积超过保障标准");

        var outcome = await Adapter().HandOffAsync(Application("FG-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Rejected, outcome.Kind);
        Assert.Equal(ApplicationStatus.Rejected, outcome.Status);
        Assert.Equal("not_eligible", outcome.DepartmentCode);
        Assert.Equal("家庭人均住房建筑面积超过保障标准", outcome.DepartmentMessage);
        Assert.Single(_bureau.ReceivedApplications);
        Assert.Equal(0, _bureau.TicketCount);
    }

    [Fact]
    public async Task HandOffAsync_MemberIdWithBadCheckDigit_InvalidFromStrictBureauWithoutRetry()
    {
        var form = FgTestData.Form("FG-001");
        form["householdMembers"]![1]!["idNumber"] = "320312198801032621";

        var outcome = await Adapter().HandOffAsync(Application("FG-001", form: form), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("validation_failed", outcome.DepartmentCode);
        Assert.Contains("payload.household_members[1].id_card_no", outcome.DepartmentMessage, StringComparison.Ordinal);
        Assert.Single(_bureau.ReceivedApplications);
    }

    [Fact]
    public async Task HandOffAsync_FormLacksRequiredField_InvalidWithoutSending()
    {
        var form = FgTestData.Form("FG-004");
        form.Remove("houseCode");

        var outcome = await Adapter().HandOffAsync(Application("FG-004", form: form), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Invalid, outcome.Kind);
        Assert.Contains("form.houseCode", outcome.DepartmentMessage, StringComparison.Ordinal);
        Assert.Empty(_bureau.ReceivedApplications);
        Assert.Equal(0, _bureau.TokenRequestCount);
    }

    [Fact]
    public async Task HandOffAsync_ConnectionRefused_Transient()
    {
        await using var hub = FgTestData.Hub(new Uri($"http://127.0.0.1:{UnusedPort()}"));

        var outcome = await hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(Application("FG-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.NotNull(outcome.RequestPayload);
    }

    [Fact]
    public async Task HandOffAsync_CallerCancels_CancellationEscapes()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Adapter().HandOffAsync(Application("FG-001"), cancellation.Token));
    }

    [Fact]
    public async Task QueryAsync_BureauDecided_ReportFromReconciliation()
    {
        var application = Application("FG-001");
        var delivered = await Adapter().HandOffAsync(application, CancellationToken.None);
        _bureau.SetStatus(delivered.CaseNumber!, "approved", "准予配租");

        var result = await Query().QueryAsync(application.HandoffKey, delivered.CaseNumber!, CancellationToken.None);

        var report = result.Report!;
        Assert.Equal(ApplicationStatus.Approved, report.Status);
        Assert.Equal(application.HandoffKey, report.HandoffKey);
        Assert.Equal(delivered.CaseNumber, report.CaseNumber);
        Assert.Equal("准予配租", report.Reason);
        Assert.StartsWith($"recon|{delivered.CaseNumber}|approved|", report.EventKey, StringComparison.Ordinal);
        Assert.Null(result.RetryAfter);
        Assert.Equal([delivered.CaseNumber!], _bureau.ReceivedQueries);
    }

    [Fact]
    public async Task QueryAsync_SupplementRequired_ReportWithReason()
    {
        var application = Application("FG-002");
        var delivered = await Adapter().HandOffAsync(application, CancellationToken.None);
        _bureau.SetStatus(delivered.CaseNumber!, "supplement_required", "请补充租赁合同原件扫描件");

        var report = (await Query().QueryAsync(application.HandoffKey, delivered.CaseNumber!, CancellationToken.None)).Report!;

        Assert.Equal(ApplicationStatus.SupplementRequired, report.Status);
        Assert.Equal("请补充租赁合同原件扫描件", report.Reason);
    }

    [Fact]
    public async Task QueryAsync_StillReceived_NothingNew()
    {
        var application = Application("FG-005");
        var delivered = await Adapter().HandOffAsync(application, CancellationToken.None);

        var result = await Query().QueryAsync(application.HandoffKey, delivered.CaseNumber!, CancellationToken.None);

        Assert.Null(result.Report);
        Assert.Null(result.RetryAfter);
    }

    [Fact]
    public async Task QueryAsync_UnknownTicket_NothingNewAtTheUsualInterval()
    {
        var result = await Query().QueryAsync("req-unknown", "FG-20261128-999999", CancellationToken.None);

        Assert.Null(result.Report);
        Assert.Null(result.RetryAfter);
        Assert.Equal("not_found", result.DepartmentCode);
    }

    [Fact]
    public async Task QueryAsync_RateLimited_NothingNewAskAgainAfterRetryAfter()
    {
        var application = Application("FG-001");
        var delivered = await Adapter().HandOffAsync(application, CancellationToken.None);
        _bureau.GivenRateLimited(times: 1, retryAfterSeconds: 9);

        var result = await Query().QueryAsync(application.HandoffKey, delivered.CaseNumber!, CancellationToken.None);

        Assert.Null(result.Report);
        Assert.Equal(TimeSpan.FromSeconds(9), result.RetryAfter);
    }

    [Fact]
    public async Task QueryAsync_BureauUnreachable_NothingNewWithRetryAfterNeverThrows()
    {
        await using var hub = FgTestData.Hub(new Uri($"http://127.0.0.1:{UnusedPort()}"));

        var result = await hub.GetRequiredService<IDepartmentStatusQuery>().QueryAsync("req-1", "FG-20261128-000001", CancellationToken.None);

        Assert.Null(result.Report);
        Assert.NotNull(result.RetryAfter);
    }

    [Fact]
    public void AddHousing_Client_RegisteredAsAdapterAndStatusQuery()
    {
        var adapter = Assert.Single(_hub.GetServices<IDepartmentAdapter>());
        var query = Assert.Single(_hub.GetServices<IDepartmentStatusQuery>());

        Assert.Equal("FG", adapter.Department);
        Assert.Equal("FG", query.Department);
        Assert.Equal(TimeSpan.FromHours(2), query.Interval);
        Assert.IsType<HousingClient>(adapter);
        Assert.IsType<HousingClient>(query);
    }

    // The strict bureau refuses a submitted_at in its future, so these use the real clock.
    private static CanonicalApplication Application(string code, string sample = "valid", JsonObject? form = null, string? traceParent = null) =>
        FgTestData.Application(code, sample, form, submittedAt: TimeProvider.System.GetUtcNow().AddMinutes(-1), traceParent: traceParent);

    private IDepartmentAdapter Adapter() => _hub.GetRequiredService<IDepartmentAdapter>();

    private IDepartmentStatusQuery Query() => _hub.GetRequiredService<IDepartmentStatusQuery>();

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
