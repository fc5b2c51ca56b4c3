using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Local.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

/// <summary>The adapter as the hub registers it, against the strict bureau sandbox over real HTTP on loopback.</summary>
public sealed class PublicSecurityClientTests : IAsyncLifetime
{
    private PublicSecuritySandbox _bureau = null!;
    private ServiceProvider _hub = null!;

    public Task InitializeAsync()
    {
        _bureau = GaTestData.Bureau();
        _hub = Hub(_bureau.BaseUrl);
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
        foreach (var code in GaTestData.ItemCodes)
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
        var application = GaTestData.Application(code, sample);

        var outcome = await Adapter().HandOffAsync(application, CancellationToken.None);

        var received = Assert.Single(_bureau.ReceivedApplications);
        Assert.True(received.Code is "0000" or "0001", $"{code}/{sample}: {received.Code} {received.Message}");
        Assert.Equal(code == "GA-005" ? HandoffOutcomeKind.Completed : HandoffOutcomeKind.Received, outcome.Kind);
        Assert.Equal(_bureau.CaseNumberFor(application.HandoffKey), outcome.CaseNumber);
        Assert.Equal(1, _bureau.CaseCount);
        Assert.Equal(received.Xml, outcome.RequestPayload);
        Assert.Contains(outcome.CaseNumber!, outcome.ResponsePayload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandOffAsync_NewApplication_CaseNumberAsTheBureauIssuesIt()
    {
        var outcome = await Adapter().HandOffAsync(GaTestData.Application("GA-001"), CancellationToken.None);

        Assert.Equal("0000", outcome.DepartmentCode);
        Assert.Matches("^GA320302[0-9]{8}[0-9]{5}$", outcome.CaseNumber);
    }

    [Fact]
    public async Task HandOffAsync_Request_CarriesExactlyTheDocumentedHeaders()
    {
        await Adapter().HandOffAsync(GaTestData.Application("GA-003"), CancellationToken.None);

        var received = Assert.Single(_bureau.ReceivedApplications);
        Assert.Equal("application/xml; charset=GB18030", received.Headers["Content-Type"]);
        Assert.Equal(GaTestData.AccessUnit, received.Headers["X-JRDW"]);
        Assert.Matches("^20[0-9]{12}$", received.Headers["X-SJC"]);
        Assert.Matches("^[0-9a-f]{16,32}$", received.Headers["X-SJS"]);
        Assert.Matches("^[0-9a-f]{64}$", received.Headers["X-QM"]);
    }

    [Fact]
    public async Task HandOffAsync_InstantItem_CompletedWithProgress()
    {
        _bureau.GivenIdCardProgress("03", "徐州市公安局鼓楼分局户政服务大厅");

        var outcome = await Adapter().HandOffAsync(GaTestData.Application("GA-005"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Completed, outcome.Kind);
        Assert.Equal(ApplicationStatus.Approved, outcome.Status);
        Assert.Equal("待领取", outcome.Result!["jdLabel"]!.GetValue<string>());
        Assert.Equal("徐州市公安局鼓楼分局户政服务大厅", outcome.Result["lqdd"]!.GetValue<string>());
    }

    [Fact]
    public async Task HandOffAsync_RareCharacterName_ArrivesIntact()
    {
        var application = GaTestData.Application("GA-003", applicant: GaTestData.Applicant with { Name = "王𠈌" });

        var outcome = await Adapter().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        var xml = XElement.Parse(Assert.Single(_bureau.ReceivedApplications).Xml!);
        Assert.Equal("王𠈌", xml.Element("Body")!.Element("SQR")!.Element("XM")!.Value);
    }

    [Fact]
    public async Task HandOffAsync_BusyTwiceThenFree_OneCaseSameLshFreshNonces()
    {
        _bureau.GivenBusy(2);
        var application = GaTestData.Application("GA-001");

        var outcome = await Adapter().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        var attempts = _bureau.ReceivedApplications;
        Assert.Equal(["9001", "9001", "0000"], attempts.Select(a => a.Code));
        Assert.All(attempts, a => Assert.Equal(application.HandoffKey, a.Lsh));
        Assert.Equal(3, attempts.Select(a => a.Nonce).Distinct().Count());
        Assert.Equal(1, _bureau.CaseCount);
    }

    [Fact]
    public async Task HandOffAsync_BusyBeyondRetryBudget_Transient()
    {
        _bureau.GivenBusy(10);

        var outcome = await Adapter().HandOffAsync(GaTestData.Application("GA-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal("9001", outcome.DepartmentCode);
        Assert.Equal(4, _bureau.ReceivedApplications.Count);
        Assert.Equal(0, _bureau.CaseCount);
    }

    [Fact]
    public async Task HandOffAsync_SameApplicationTwice_OriginalCaseNeverASecond()
    {
        var application = GaTestData.Application("GA-006");

        var first = await Adapter().HandOffAsync(application, CancellationToken.None);
        var second = await Adapter().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, second.Kind);
        Assert.Equal("2004", second.DepartmentCode);
        Assert.Equal(first.CaseNumber, second.CaseNumber);
        Assert.Equal(1, _bureau.CaseCount);
    }

    [Fact]
    public async Task HandOffAsync_IntakeRejection_RejectedWithoutRetry()
    {
        _bureau.GivenIntakeRejection("申请人户籍在本市，无需办理居住登记");

        var outcome = await Adapter().HandOffAsync(GaTestData.Application("GA-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Rejected, outcome.Kind);
        Assert.Equal(ApplicationStatus.Rejected, outcome.Status);
        Assert.Equal("申请人户籍在本市，无需办理居住登记", outcome.DepartmentMessage);
        Assert.Single(_bureau.ReceivedApplications);
        Assert.Equal(0, _bureau.CaseCount);
    }

    [Fact]
    public async Task HandOffAsync_MissingElement_InvalidWithoutRetry()
    {
        _bureau.GivenMissingElement("XZZ");

        var outcome = await Adapter().HandOffAsync(GaTestData.Application("GA-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("2002", outcome.DepartmentCode);
        Assert.Contains("XZZ", outcome.DepartmentMessage, StringComparison.Ordinal);
        Assert.Single(_bureau.ReceivedApplications);
    }

    [Fact]
    public async Task HandOffAsync_TenantIdWithBadCheckDigit_InvalidFromStrictBureau()
    {
        var form = GaTestData.Form("GA-006");
        form["tenants"]![0]!["idNumber"] = "341302199305172314";

        var outcome = await Adapter().HandOffAsync(GaTestData.Application("GA-006", form: form), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("2001", outcome.DepartmentCode);
        Assert.Single(_bureau.ReceivedApplications);
    }

    [Fact]
    public async Task HandOffAsync_FormLacksRequiredField_InvalidWithoutSending()
    {
        var form = GaTestData.Form("GA-004");
        form.Remove("purposeDescription");

        var outcome = await Adapter().HandOffAsync(GaTestData.Application("GA-004", form: form), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Invalid, outcome.Kind);
        Assert.Empty(_bureau.ReceivedApplications);
    }

    [Fact]
    public async Task HandOffAsync_MaintenanceWithRetryAfter_HeldAfterOneCallNeverRetriedInTheClient()
    {
        _bureau.GivenUnavailable(10, TimeSpan.FromMinutes(30));

        var outcome = await Adapter().HandOffAsync(GaTestData.Application("GA-002"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Held, outcome.Kind);
        Assert.Equal("HTTP 503", outcome.DepartmentCode);
        Assert.Equal(TimeSpan.FromMinutes(30), outcome.RetryAfter);
        Assert.Equal(503, Assert.Single(_bureau.ReceivedApplications).HttpStatus);
        var call = Assert.Single(outcome.Calls!);
        Assert.Equal((503, "POST /population/v2/applications", 1), (call.HttpStatus, call.Request, call.Count));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HandOffAsync_AfterRetryAfter_NoCallForAnyApplicationUntilThatTime(bool asHttpDate)
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var bureau = GaTestData.Bureau(clock);
        await using var hub = Hub(bureau.BaseUrl, time: clock);
        var adapter = hub.GetRequiredService<IDepartmentAdapter>();
        bureau.GivenUnavailable(1, TimeSpan.FromSeconds(120), asHttpDate);
        var first = GaTestData.Application("GA-002");
        var other = GaTestData.Application("GA-004");

        var maintenance = await adapter.HandOffAsync(first, CancellationToken.None);
        var announced = bureau.ReceivedApplications[0].At + (maintenance.RetryAfter ?? TimeSpan.Zero);
        clock.Advance(TimeSpan.FromSeconds(60));
        var sameLater = await adapter.HandOffAsync(first, CancellationToken.None);
        var otherLater = await adapter.HandOffAsync(other, CancellationToken.None);
        clock.SetUtcNow(announced - TimeSpan.FromMilliseconds(1));
        var justBefore = await adapter.HandOffAsync(other, CancellationToken.None);
        clock.SetUtcNow(announced);
        var after = await adapter.HandOffAsync(other, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Held, maintenance.Kind);
        Assert.InRange(maintenance.RetryAfter!.Value, TimeSpan.FromSeconds(119), TimeSpan.FromSeconds(121));
        Assert.All([sameLater, otherLater, justBefore], held => Assert.Equal((HandoffOutcomeKind.Held, "held"), (held.Kind, held.DepartmentCode)));
        Assert.Equal(announced - bureau.ReceivedApplications[0].At - TimeSpan.FromSeconds(60), sameLater.RetryAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(1), justBefore.RetryAfter);
        Assert.All([sameLater, otherLater, justBefore], held => Assert.Empty(held.Calls ?? []));
        Assert.Equal(HandoffOutcomeKind.Received, after.Kind);
        var calls = bureau.ReceivedApplications;
        Assert.Equal([503, 200], calls.Select(c => c.HttpStatus));
        Assert.True(calls[1].At >= announced, $"called at {calls[1].At:O}, announced {announced:O}");
    }

    [Fact]
    public async Task HandOffAsync_ConnectionRefused_Transient()
    {
        await using var hub = Hub(new Uri($"http://127.0.0.1:{UnusedPort()}"));

        var outcome = await hub.GetRequiredService<PublicSecurityClient>().HandOffAsync(GaTestData.Application("GA-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.NotNull(outcome.RequestPayload);
    }

    [Fact]
    public async Task HandOffAsync_WrongKey_ConfigurationFaultWithoutRetry()
    {
        await using var hub = Hub(_bureau.BaseUrl, key: [.. GaTestData.Key.Reverse()]);

        var outcome = await hub.GetRequiredService<PublicSecurityClient>().HandOffAsync(GaTestData.Application("GA-001"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.ConfigurationFault, outcome.Kind);
        Assert.Equal("1001", outcome.DepartmentCode);
        Assert.Null(outcome.Status);
        Assert.Single(_bureau.ReceivedApplications);
    }

    [Fact]
    public async Task HandOffAsync_BureauClockTenMinutesAhead_ConfigurationFault()
    {
        await using var bureau = GaTestData.Bureau(new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddMinutes(10)));
        await using var hub = Hub(bureau.BaseUrl);

        var outcome = await hub.GetRequiredService<PublicSecurityClient>().HandOffAsync(GaTestData.Application("GA-003"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.ConfigurationFault, outcome.Kind);
        Assert.Equal("1002", outcome.DepartmentCode);
    }

    [Fact]
    public async Task HandOffAsync_AnswerLaterThanAttemptTimeout_RetryFindsTheOriginalCase()
    {
        await using var hub = Hub(_bureau.BaseUrl, resilience: new Dictionary<string, string> { ["AttemptTimeout"] = "00:00:00.300" });
        _bureau.GivenSlow(TimeSpan.FromSeconds(2));
        var application = GaTestData.Application("GA-001");

        var outcome = await hub.GetRequiredService<PublicSecurityClient>().HandOffAsync(application, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, outcome.Kind);
        Assert.Equal("2004", outcome.DepartmentCode);
        Assert.Equal(_bureau.CaseNumberFor(application.HandoffKey), outcome.CaseNumber);
        Assert.Equal(["0000", "2004"], _bureau.ReceivedApplications.Select(a => a.Code));
        Assert.Equal(1, _bureau.CaseCount);
    }

    [Fact]
    public async Task HandOffAsync_EveryAttemptTooSlow_Transient()
    {
        await using var hub = Hub(_bureau.BaseUrl, resilience: new Dictionary<string, string>
        {
            ["MaxRetryAttempts"] = "1",
            ["AttemptTimeout"] = "00:00:00.200",
        });
        _bureau.GivenSlow(TimeSpan.FromSeconds(2), times: 2);

        var outcome = await hub.GetRequiredService<PublicSecurityClient>().HandOffAsync(GaTestData.Application("GA-003"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(2, _bureau.ReceivedApplications.Count);
    }

    [Fact]
    public async Task HandOffAsync_BureauKeepsFailing_CircuitOpensAndStopsCalling()
    {
        await using var hub = Hub(_bureau.BaseUrl, resilience: new Dictionary<string, string>
        {
            ["MaxRetryAttempts"] = "1",
            ["MinimumThroughput"] = "2",
            ["BreakDuration"] = "00:00:30",
        });
        var client = hub.GetRequiredService<PublicSecurityClient>();
        _bureau.GivenBusy(100);

        var first = await client.HandOffAsync(GaTestData.Application("GA-003"), CancellationToken.None);
        var second = await client.HandOffAsync(GaTestData.Application("GA-003"), CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Transient, first.Kind);
        Assert.Equal(HandoffOutcomeKind.Transient, second.Kind);
        Assert.Equal(TimeSpan.FromSeconds(30), second.RetryAfter);
        Assert.Equal(2, _bureau.ReceivedApplications.Count);
    }

    [Fact]
    public async Task HandOffAsync_CallerCancels_CancellationEscapes()
    {
        _bureau.GivenBusy(10);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Adapter().HandOffAsync(GaTestData.Application("GA-001"), cancellation.Token));
    }

    [Fact]
    public void AddPublicSecurity_Adapter_RegisteredAsDepartmentAdapter()
    {
        var adapter = Assert.Single(_hub.GetServices<IDepartmentAdapter>());

        Assert.Equal("GA", adapter.Department);
        Assert.IsType<PublicSecurityClient>(adapter);
    }

    private IDepartmentAdapter Adapter() => _hub.GetRequiredService<IDepartmentAdapter>();

    private static ServiceProvider Hub(Uri baseUrl, byte[]? key = null, IReadOnlyDictionary<string, string>? resilience = null, TimeProvider? time = null)
    {
        var services = new ServiceCollection().AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        return services
            .AddPublicSecurity(GaTestData.Configuration(baseUrl, key, resilience))
            .BuildServiceProvider(validateScopes: true);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
