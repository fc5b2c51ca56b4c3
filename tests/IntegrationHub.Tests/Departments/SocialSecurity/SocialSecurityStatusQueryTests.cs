using System.Net;
using System.Net.Sockets;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

/// <summary>RS9001 polling through the adapter, with the hub and the gateway on one fake clock (10:00 in Xuzhou).</summary>
public sealed class SocialSecurityStatusQueryTests : IAsyncLifetime
{
    private static readonly TimeSpan DecisionDelay = TimeSpan.FromHours(2);
    private readonly FakeTimeProvider _clock = new(RsTestData.China(10, 0));
    private SocialSecuritySandbox _gateway = null!;
    private ServiceProvider _hub = null!;

    public Task InitializeAsync()
    {
        _gateway = RsTestData.Gateway(_clock, new SocialSecuritySandboxSettings { DecisionDelay = DecisionDelay });
        _hub = RsTestData.Hub(_gateway.BaseUrl, _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task QueryAsync_InProgress_NoReportAtTheUsualInterval()
    {
        var (transId, aaz002) = await DeliveredAsync();

        var result = await Query().QueryAsync(transId, aaz002, CancellationToken.None);

        Assert.Null(result.Report);
        Assert.Null(result.RetryAfter);
        Assert.Equal("0000", Assert.Single(_gateway.QueriesFor(aaz002)).RetCode);
    }

    [Fact]
    public async Task QueryAsync_TwiceWithinMinQueryInterval_SecondDoesNotCallTheGateway()
    {
        var (transId, aaz002) = await DeliveredAsync();
        await Query().QueryAsync(transId, aaz002, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(1));

        var tooSoon = await Query().QueryAsync(transId, aaz002, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(4));
        var onTime = await Query().QueryAsync(transId, aaz002, CancellationToken.None);

        Assert.Null(tooSoon.Report);
        Assert.Equal(TimeSpan.FromMinutes(4), tooSoon.RetryAfter);
        Assert.Null(onTime.RetryAfter);
        Assert.Equal(["0000", "0000"], _gateway.QueriesFor(aaz002).Select(q => q.RetCode));
    }

    [Fact]
    public async Task QueryAsync_OtherCaseWithinInterval_AskedAtOnce()
    {
        var (first, firstCase) = await DeliveredAsync();
        var (second, secondCase) = await DeliveredAsync();

        await Query().QueryAsync(first, firstCase, CancellationToken.None);
        var result = await Query().QueryAsync(second, secondCase, CancellationToken.None);

        Assert.Null(result.RetryAfter);
        Assert.Single(_gateway.QueriesFor(secondCase));
    }

    [Fact]
    public async Task QueryAsync_AfterDecisionDelay_ApprovedAtTheGatewaysTime()
    {
        var (transId, aaz002) = await DeliveredAsync();
        _clock.Advance(DecisionDelay);

        var result = await Query().QueryAsync(transId, aaz002, CancellationToken.None);

        var report = Assert.IsType<DepartmentStatusReport>(result.Report);
        Assert.Equal(ApplicationStatus.Approved, report.Status);
        Assert.Equal(RsTestData.China(12, 0), report.OccurredAt);
        Assert.Equal(transId, report.HandoffKey);
        Assert.Equal(aaz002, report.CaseNumber);
        Assert.Equal($"{aaz002}|1|20261128120000", report.EventKey);
    }

    [Theory]
    [InlineData("1", "准予参保", ApplicationStatus.Approved)]
    [InlineData("2", "已在外地参加城乡居民基本医疗保险，不予办理", ApplicationStatus.Denied)]
    [InlineData("3", "请补充户口簿首页及本人页复印件", ApplicationStatus.SupplementRequired)]
    public async Task QueryAsync_Decided_ReportWithOpinionAndTime(string blzt, string blyj, ApplicationStatus status)
    {
        var (transId, aaz002) = await DeliveredAsync("RS-006");
        _clock.Advance(TimeSpan.FromMinutes(30));
        _gateway.GivenDecision(aaz002, blzt, blyj);

        var result = await Query().QueryAsync(transId, aaz002, CancellationToken.None);

        var report = Assert.IsType<DepartmentStatusReport>(result.Report);
        Assert.Equal("RS", report.Department);
        Assert.Equal(status, report.Status);
        Assert.Equal(blyj, report.Reason);
        Assert.Equal(blzt, report.DepartmentCode);
        Assert.Equal(RsTestData.China(10, 30), report.OccurredAt);
        Assert.Equal($"{aaz002}|{blzt}|20261128103000", report.EventKey);
    }

    [Fact]
    public async Task QueryAsync_NextCaseDecidedAtIntake_ReportOnFirstQuestion()
    {
        _gateway.GivenDecision(null, "2", "不符合报名条件");
        var (transId, aaz002) = await DeliveredAsync("RS-008");

        var result = await Query().QueryAsync(transId, aaz002, CancellationToken.None);

        Assert.Equal(ApplicationStatus.Denied, result.Report!.Status);
    }

    [Fact]
    public async Task QueryAsync_GatewayBusy_AskAgainAfterTheIntervalWithoutRetrying()
    {
        var (transId, aaz002) = await DeliveredAsync();
        _gateway.GivenBusy();

        var result = await Query().QueryAsync(transId, aaz002, CancellationToken.None);

        Assert.Null(result.Report);
        Assert.Equal(TimeSpan.FromMinutes(5), result.RetryAfter);
        Assert.Equal("9001", result.DepartmentCode);
        Assert.Equal("9001", Assert.Single(_gateway.QueriesFor(aaz002)).RetCode);
    }

    [Fact]
    public async Task QueryAsync_AnotherProcessAskedJustNow_GatewaysOwnLimitAnsweredWithRetryAfter()
    {
        var (transId, aaz002) = await DeliveredAsync();
        await using var otherInstance = RsTestData.Hub(_gateway.BaseUrl, _clock);
        await otherInstance.GetRequiredService<IDepartmentStatusQuery>().QueryAsync(transId, aaz002, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(30));

        var result = await Query().QueryAsync(transId, aaz002, CancellationToken.None);

        Assert.Equal(TimeSpan.FromMinutes(5), result.RetryAfter);
        Assert.Equal(["0000", "9001"], _gateway.QueriesFor(aaz002).Select(q => q.RetCode));
    }

    [Fact]
    public async Task QueryAsync_InsideNightlyWindow_AskAgainAtOneWithoutCalling()
    {
        var (transId, aaz002) = await DeliveredAsync();
        _clock.SetUtcNow(RsTestData.China(23, 30));

        var result = await Query().QueryAsync(transId, aaz002, CancellationToken.None);

        Assert.Null(result.Report);
        Assert.Equal(TimeSpan.FromMinutes(90), result.RetryAfter);
        Assert.Empty(_gateway.QueriesFor(aaz002));
    }

    [Fact]
    public async Task QueryAsync_GatewayInMaintenance_AskAgainLaterNeverThrows()
    {
        var (transId, aaz002) = await DeliveredAsync();
        _gateway.GivenMaintenance(true);

        var result = await Query().QueryAsync(transId, aaz002, CancellationToken.None);

        Assert.Null(result.Report);
        Assert.Equal("9003", result.DepartmentCode);
        Assert.Equal(TimeSpan.FromMinutes(1), result.RetryAfter);
    }

    [Fact]
    public async Task QueryAsync_EachQuestion_OwnFreshTransIdNeverTheApplications()
    {
        var (transId, aaz002) = await DeliveredAsync();

        await Query().QueryAsync(transId, aaz002, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await Query().QueryAsync(transId, aaz002, CancellationToken.None);

        var ids = _gateway.QueriesFor(aaz002).Select(q => q.TransId!).ToList();
        Assert.Equal(2, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^Q[0-9A-F]{31}$", id));
        Assert.DoesNotContain(transId, ids);
    }

    [Fact]
    public async Task QueryAsync_UnknownCase_NoReportAtTheUsualInterval()
    {
        var result = await Query().QueryAsync(RsTestData.NewTransId(), "RS3203002026112899999", CancellationToken.None);

        Assert.Null(result.Report);
        Assert.Null(result.RetryAfter);
        Assert.Equal("1003", result.DepartmentCode);
    }

    [Fact]
    public async Task QueryAsync_PacedSlotBeyondMaxWait_HeldWithoutClaimingTheCasesInterval()
    {
        // One call every 5 s, longer than the adapter tests' MaxWait (3 s): the second question in a row finds its slot too far.
        await using var hub = RsTestData.Hub(_gateway.BaseUrl, _clock, overrides: new Dictionary<string, string> { ["CallsPerSecond"] = "0.2" });
        var query = hub.GetRequiredService<IDepartmentStatusQuery>();
        var first = await DeliveredAsync(hub);
        _clock.Advance(TimeSpan.FromSeconds(5));
        var second = await DeliveredAsync(hub);
        _clock.Advance(TimeSpan.FromSeconds(5));
        await query.QueryAsync(first.TransId, first.CaseNumber, CancellationToken.None);

        var held = await query.QueryAsync(second.TransId, second.CaseNumber, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(5));
        var asked = await query.QueryAsync(second.TransId, second.CaseNumber, CancellationToken.None);

        // Held before its spacing was claimed: asked once its slot came, not five minutes later.
        Assert.Equal(TimeSpan.FromSeconds(5), held.RetryAfter);
        Assert.Equal("held", held.DepartmentCode);
        Assert.Null(asked.RetryAfter);
        Assert.Equal(["0000"], _gateway.QueriesFor(second.CaseNumber).Select(q => q.RetCode));
    }

    [Fact]
    public async Task QueryAsync_ConnectionRefused_RetryAfterNeverThrows()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var hub = RsTestData.Hub(new Uri($"http://127.0.0.1:{port}"), new ShiftedClock(RsTestData.China(10, 0)),
            overrides: new Dictionary<string, string> { ["Resilience:MaxRetryAttempts"] = "1" });

        var result = await hub.GetRequiredService<IDepartmentStatusQuery>().QueryAsync(RsTestData.NewTransId(), "RS3203002026112800001", CancellationToken.None);

        Assert.Null(result.Report);
        Assert.Equal(TimeSpan.FromMinutes(5), result.RetryAfter);
    }

    private IDepartmentStatusQuery Query() => _hub.GetRequiredService<IDepartmentStatusQuery>();

    private Task<(string TransId, string CaseNumber)> DeliveredAsync(string code = "RS-001") => DeliveredAsync(_hub, code);

    private static async Task<(string TransId, string CaseNumber)> DeliveredAsync(ServiceProvider hub, string code = "RS-001")
    {
        var application = RsTestData.Application(code);
        var outcome = await hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(application, CancellationToken.None);
        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        return (application.HandoffKey, outcome.CaseNumber!);
    }
}
