using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Departments.SocialSecurity;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

/// <summary>Delivery through the adapter as the hub registers it, against the strict gateway sandbox over real HTTP on loopback.</summary>
public sealed class SocialSecurityClientTests : IAsyncLifetime
{
    // 10:00 in Xuzhou, whatever the real time: far from the maintenance window, with real timers for retries.
    private readonly ShiftedClock _clock = new(RsTestData.China(10, 0));
    private SocialSecuritySandbox _gateway = null!;
    private ServiceProvider _hub = null!;

    public Task InitializeAsync()
    {
        _gateway = RsTestData.Gateway(_clock);
        _hub = RsTestData.Hub(_gateway.BaseUrl, _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    public static TheoryData<string, string> AllSamples()
    {
        var data = new TheoryData<string, string>();
        foreach (var code in RsTestData.ItemCodes)
        {
            data.Add(code, "valid");
            data.Add(code, "validMinimal");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public async Task HandOffAsync_EachItemSample_AcceptedByStrictGateway(string code, string sample)
    {
        var application = RsTestData.Application(code, sample);

        var outcome = await Adapter().HandOffAsync(application, CancellationToken.None);

        var call = Assert.Single(_gateway.ReceivedCalls);
        var instant = code is "RS-003" or "RS-005";
        Assert.True(call.RetCode == (instant ? "0001" : "0000"), $"{code}/{sample}: {call.RetCode} {call.RetMsg}");
        Assert.Equal(instant ? HandoffOutcomeKind.Completed : HandoffOutcomeKind.Received, outcome.Kind);
        Assert.Equal(_gateway.CaseNumberFor(application.HandoffKey), outcome.CaseNumber);
        Assert.Equal(1, _gateway.CaseCount);
        Assert.Equal(application.HandoffKey, call.TransId);
        Assert.Contains(outcome.CaseNumber!, outcome.ResponsePayload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandOffAsync_Request_DocumentedEnvelopeAndExactPayloadForOperators()
    {
        var application = RsTestData.Application("RS-001");

        var outcome = await Adapter().HandOffAsync(application, CancellationToken.None);

        var call = Assert.Single(_gateway.ReceivedCalls);
        Assert.Equal("application/json; charset=utf-8", call.ContentType);
        Assert.Equal("RS1001", call.TradeCode);
        Assert.Equal("20261128", call.Timestamp![..8]);
        Assert.Matches("^[0-9A-F]{64}$", call.Sign);
        Assert.Equal(SocialSecurityTranslator.ToRequest(application).Body, call.Body);
        var sent = JsonDocument.Parse(outcome.RequestPayload!).RootElement;
        Assert.Equal(call.Sign, sent.GetProperty("head").GetProperty("sign").GetString());
        Assert.Equal(call.Body, sent.GetProperty("body").GetString());
        Assert.Matches("^RS32030020261128[0-9]{5}$", outcome.CaseNumber);
    }

    [Fact]
    public async Task HandOffAsync_SameApplicationTwice_OriginalCaseNeverASecond()
    {
        var application = RsTestData.Application("RS-006");

        var first = await Adapter().HandOffAsync(application, CancellationToken.None);
        var second = await Adapter().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, second.Kind);
        Assert.Equal("2001", second.DepartmentCode);
        Assert.Equal(first.CaseNumber, second.CaseNumber);
        Assert.Equal(1, _gateway.CaseCount);
    }

    [Fact]
    public async Task HandOffAsync_BusyOnceThenFree_OneCaseSameTransIdSameBody()
    {
        _gateway.GivenBusy();
        var application = RsTestData.Application("RS-001");

        var outcome = await Adapter().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        var calls = _gateway.ReceivedCalls;
        Assert.Equal(["9001", "0000"], calls.Select(c => c.RetCode));
        Assert.All(calls, c => Assert.Equal(application.HandoffKey, c.TransId));
        Assert.Single(calls.Select(c => c.Body).Distinct());
        Assert.Equal(1, _gateway.CaseCount);
    }

    [Fact]
    public async Task HandOffAsync_BusyBeyondRetryBudget_Transient()
    {
        _gateway.GivenBusy(10);

        var outcome = await Adapter().HandOffAsync(RsTestData.Application("RS-008"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("9001", outcome.DepartmentCode);
        Assert.Equal(4, _gateway.ReceivedCalls.Count);
        Assert.Equal(0, _gateway.CaseCount);
    }

    [Fact]
    public async Task HandOffAsync_InternalTimeoutOnce_RetriedAndReceived()
    {
        _gateway.GivenRetCode("9002", "内部处理超时");

        var outcome = await Adapter().HandOffAsync(RsTestData.Application("RS-008"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        Assert.Equal(["9002", "0000"], _gateway.ReceivedCalls.Select(c => c.RetCode));
    }

    [Theory]
    [InlineData("8001", "该人员已参加城乡居民基本养老保险")]
    [InlineData("8002", "不符合参保条件：已参加企业职工基本养老保险")]
    public async Task HandOffAsync_NotAccepted_RejectedWithReasonWithoutRetry(string code, string reason)
    {
        _gateway.GivenRetCode(code, reason);

        var outcome = await Adapter().HandOffAsync(RsTestData.Application("RS-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Rejected, outcome.Kind);
        Assert.Equal(ApplicationStatus.Rejected, outcome.Status);
        Assert.Equal(reason, outcome.DepartmentMessage);
        Assert.Single(_gateway.ReceivedCalls);
        Assert.Equal(0, _gateway.CaseCount);
    }

    [Fact]
    public async Task HandOffAsync_RequiredFieldMissing_InvalidWithoutRetry()
    {
        _gateway.GivenRetCode("1002", "缺少必填字段：AAC009");

        var outcome = await Adapter().HandOffAsync(RsTestData.Application("RS-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("1002", outcome.DepartmentCode);
        Assert.Contains("AAC009", outcome.DepartmentMessage, StringComparison.Ordinal);
        Assert.Single(_gateway.ReceivedCalls);
    }

    [Fact]
    public async Task HandOffAsync_IdNumberWithBadCheckDigit_InvalidFromStrictGateway()
    {
        var applicant = RsTestData.Applicant with { IdNumber = "320302198506121231" };

        var outcome = await Adapter().HandOffAsync(RsTestData.Application("RS-005", applicant: applicant), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("1004", outcome.DepartmentCode);
        Assert.Single(_gateway.ReceivedCalls);
    }

    [Fact]
    public async Task HandOffAsync_BirthDateDisagreesWithIdNumber_InvalidFromStrictGateway()
    {
        var applicant = RsTestData.Applicant with { BirthDate = new DateOnly(1985, 6, 13) };

        var outcome = await Adapter().HandOffAsync(RsTestData.Application("RS-006", applicant: applicant), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("1004", outcome.DepartmentCode);
        Assert.Contains("AAC006", outcome.DepartmentMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandOffAsync_Certificate_CompletedWithCertificateNumberAndCode()
    {
        var outcome = await Adapter().HandOffAsync(RsTestData.Application("RS-003"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Completed, outcome.Kind);
        Assert.Equal(ApplicationStatus.Approved, outcome.Status);
        var result = Assert.IsType<JsonObject>(outcome.Result);
        Assert.Equal(["ZMBH", "YZM"], result.Select(p => p.Key));
        Assert.Matches("^ZM320300", result["ZMBH"]!.GetValue<string>());
    }

    [Fact]
    public async Task HandOffAsync_CardLoss_CompletedLost()
    {
        var outcome = await Adapter().HandOffAsync(RsTestData.Application("RS-005"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Completed, outcome.Kind);
        Assert.Equal("""{"GSZT":"1"}""", outcome.Result!.ToJsonString());
    }

    [Fact]
    public async Task HandOffAsync_RareCharacterName_ArrivesIntactAndSigned()
    {
        var application = RsTestData.Application("RS-008", applicant: RsTestData.Applicant with { Name = "王𠈌" });

        var outcome = await Adapter().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        Assert.Equal("王𠈌", JsonDocument.Parse(Assert.Single(_gateway.ReceivedCalls).Body!).RootElement.GetProperty("AAC003").GetString());
        Assert.Contains("王𠈌", outcome.RequestPayload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandOffAsync_FormLacksRequiredField_InvalidWithoutSending()
    {
        var form = RsTestData.Form("RS-004");
        form.Remove("employerName");

        var outcome = await Adapter().HandOffAsync(RsTestData.Application("RS-004", form: form), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Invalid, outcome.Kind);
        Assert.Null(outcome.RequestPayload);
        Assert.Empty(_gateway.ReceivedCalls);
    }

    [Fact]
    public async Task HandOffAsync_WrongKey_ConfigurationFaultWithoutRetry()
    {
        await using var hub = RsTestData.Hub(_gateway.BaseUrl, _clock, key: "not-the-issued-key");

        var outcome = await hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(RsTestData.Application("RS-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.ConfigurationFault, outcome.Kind);
        Assert.Equal("1001", outcome.DepartmentCode);
        Assert.Null(outcome.Status);
        Assert.Single(_gateway.ReceivedCalls);
    }

    [Fact]
    public async Task HandOffAsync_GatewayClockTenMinutesAhead_ConfigurationFault()
    {
        await using var gateway = RsTestData.Gateway(new ShiftedClock(RsTestData.China(10, 10)));
        await using var hub = RsTestData.Hub(gateway.BaseUrl, _clock);

        var outcome = await hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(RsTestData.Application("RS-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.ConfigurationFault, outcome.Kind);
        Assert.Equal("1001", outcome.DepartmentCode);
    }

    [Theory]
    [InlineData(23, 30, 90)]
    [InlineData(0, 15, 45)]
    [InlineData(23, 0, 120)]
    public async Task HandOffAsync_InsideNightlyWindow_HeldUntilOneWithoutCallingTheGateway(int hour, int minute, int minutesHeld)
    {
        var night = new FakeTimeProvider(RsTestData.China(hour, minute));
        await using var hub = RsTestData.Hub(_gateway.BaseUrl, night);

        var outcome = await hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(RsTestData.Application("RS-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Held, outcome.Kind);
        Assert.Equal(TimeSpan.FromMinutes(minutesHeld), outcome.RetryAfter);
        Assert.Empty(_gateway.ReceivedCalls);
    }

    [Fact]
    public async Task HandOffAsync_SameDayJointTestingWindow_HeldInsideDeliveredAfter()
    {
        var clock = new FakeTimeProvider(RsTestData.China(12, 10));
        await using var gateway = RsTestData.Gateway(clock);
        await using var hub = RsTestData.Hub(gateway.BaseUrl, clock, overrides: new Dictionary<string, string>
        {
            ["MaintenanceStart"] = "12:00",
            ["MaintenanceEnd"] = "12:30",
        });
        var adapter = hub.GetRequiredService<IDepartmentAdapter>();
        var application = RsTestData.Application("RS-008");

        var held = await adapter.HandOffAsync(application, CancellationToken.None);
        clock.Advance(held.RetryAfter!.Value);
        var delivered = await adapter.HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Held, held.Kind);
        Assert.Equal(TimeSpan.FromMinutes(20), held.RetryAfter);
        Assert.Equal(HandoffOutcomeKind.Received, delivered.Kind);
        Assert.Single(gateway.ReceivedCalls);
    }

    [Fact]
    public async Task HandOffAsync_GatewayAlreadyInMaintenance_HeldUntilWindowEndNotRetried()
    {
        // The gateway's clock three minutes ahead of ours: it is 23:01 there and 22:58 here.
        await using var gateway = RsTestData.Gateway(new ShiftedClock(RsTestData.China(23, 1)));
        await using var hub = RsTestData.Hub(gateway.BaseUrl, new ShiftedClock(RsTestData.China(22, 58)));

        var application = RsTestData.Application("RS-001");

        var outcome = await hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Held, outcome.Kind);
        Assert.Equal("9003", outcome.DepartmentCode);
        Assert.InRange(outcome.RetryAfter!.Value, TimeSpan.FromMinutes(121), TimeSpan.FromMinutes(122));
        Assert.Equal(application.HandoffKey, Assert.Single(gateway.ReceivedCalls).TransId);
        Assert.Equal(0, gateway.CaseCount);
    }

    [Fact]
    public async Task HandOffAsync_GatewayMaintenanceOurWindowDoesNotExplain_HeldBriefly()
    {
        _gateway.GivenMaintenance(true);

        var outcome = await Adapter().HandOffAsync(RsTestData.Application("RS-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Held, outcome.Kind);
        Assert.Equal(TimeSpan.FromMinutes(1), outcome.RetryAfter);
        Assert.Single(_gateway.ReceivedCalls);
    }

    [Fact]
    public async Task HandOffAsync_ConnectionRefused_Transient()
    {
        await using var hub = RsTestData.Hub(new Uri($"http://127.0.0.1:{UnusedPort()}"), _clock);

        var outcome = await hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(RsTestData.Application("RS-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.NotNull(outcome.RequestPayload);
    }

    [Fact]
    public async Task HandOffAsync_WrongPath_ConfigurationFault()
    {
        await using var hub = RsTestData.Hub(new Uri(_gateway.BaseUrl, "/elsewhere/"), _clock);

        var outcome = await hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(RsTestData.Application("RS-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.ConfigurationFault, outcome.Kind);
        Assert.Equal("HTTP 404", outcome.DepartmentMessage);
    }

    [Fact]
    public async Task HandOffAsync_CallerCancels_CancellationEscapes()
    {
        _gateway.GivenBusy(10);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Adapter().HandOffAsync(RsTestData.Application("RS-001"), cancellation.Token));
    }

    [Fact]
    public void AddSocialSecurity_Adapter_RegisteredAsAdapterAndStatusQuery()
    {
        var adapter = Assert.Single(_hub.GetServices<IDepartmentAdapter>());
        var query = Assert.Single(_hub.GetServices<IDepartmentStatusQuery>());

        Assert.Equal("RS", adapter.Department);
        Assert.Equal("RS", query.Department);
        Assert.Equal(TimeSpan.FromMinutes(5), query.Interval);
        Assert.IsType<SocialSecurityClient>(adapter);
        Assert.IsType<SocialSecurityClient>(query);
    }

    private IDepartmentAdapter Adapter() => _hub.GetRequiredService<IDepartmentAdapter>();

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
