using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Departments.PublicSecurity;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Departments.PublicSecurity;

public sealed class PublicSecurityNotificationsTests
{
    private const string Route = "/api/v1/departments/ga/notifications";
    private const string NotifyXml =
        """<?xml version="1.0" encoding="GB18030"?><Notify><SLBH>GA3203022026112800001</SLBH><LSH>HUB-1</LSH><BLZT>05</BLZT><BLYJ>准予办理</BLYJ><BLSJ>20261129101500</BLSJ></Notify>""";

    private readonly RecordingStatusSink _sink = new();

    [Fact]
    public async Task ReceiveAsync_SignedByBureau_AppliedAndAcknowledged()
    {
        var response = await ReceiveAsync(Signed(NotifyXml));

        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
        Assert.Equal("application/xml; charset=GB18030", response.ContentType);
        Assert.Equal("<NotifyAck><Code>0000</Code></NotifyAck>", response.Body);
        var report = Assert.Single(_sink.Reports);
        Assert.Equal(ApplicationStatus.Approved, report.Status);
        Assert.Equal("HUB-1", report.HandoffKey);
        Assert.Equal("GA3203022026112800001", report.CaseNumber);
        Assert.Equal("准予办理", report.Reason);
    }

    [Theory]
    [InlineData(nameof(ReportOutcome.Duplicate))]
    [InlineData(nameof(ReportOutcome.Stale))]
    [InlineData(nameof(ReportOutcome.UnknownApplication))]
    // The outcome by name: the enum is internal to the hub, and a public test method cannot take it.
    public async Task ReceiveAsync_NothingToChange_StillAcknowledged(string outcome)
    {
        _sink.Outcome = Enum.Parse<ReportOutcome>(outcome);

        var response = await ReceiveAsync(Signed(NotifyXml));

        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
        Assert.Equal("<NotifyAck><Code>0000</Code></NotifyAck>", response.Body);
    }

    [Fact]
    public async Task ReceiveAsync_ForgedSignature_UnauthorizedAndSinkNotCalled()
    {
        var response = await ReceiveAsync(Signed(NotifyXml, key: RandomNumberGenerator.GetBytes(32)));

        Assert.Equal(StatusCodes.Status401Unauthorized, response.StatusCode);
        Assert.Empty(_sink.Reports);
    }

    [Fact]
    public async Task ReceiveAsync_BodyChangedAfterSigning_UnauthorizedAndSinkNotCalled()
    {
        var request = Signed(NotifyXml);
        request = request with { Body = PublicSecurityTranslator.Gb18030.GetBytes(NotifyXml.Replace("<BLZT>05", "<BLZT>06", StringComparison.Ordinal)) };

        var response = await ReceiveAsync(request);

        Assert.Equal(StatusCodes.Status401Unauthorized, response.StatusCode);
        Assert.Empty(_sink.Reports);
    }

    [Fact]
    public async Task ReceiveAsync_SignedAsAccessUnitNotBureau_UnauthorizedAndSinkNotCalled()
    {
        var response = await ReceiveAsync(Signed(NotifyXml, accessUnit: GaTestData.AccessUnit));

        Assert.Equal(StatusCodes.Status401Unauthorized, response.StatusCode);
        Assert.Empty(_sink.Reports);
    }

    [Fact]
    public async Task ReceiveAsync_TimestampSixMinutesOld_UnauthorizedAndSinkNotCalled()
    {
        var response = await ReceiveAsync(Signed(NotifyXml, signedAt: TimeProvider.System.GetUtcNow().AddMinutes(-6)));

        Assert.Equal(StatusCodes.Status401Unauthorized, response.StatusCode);
        Assert.Empty(_sink.Reports);
    }

    [Fact]
    public async Task ReceiveAsync_HeaderMissing_UnauthorizedAndSinkNotCalled()
    {
        var request = Signed(NotifyXml);
        request.Headers.Remove("X-SJS");

        var response = await ReceiveAsync(request);

        Assert.Equal(StatusCodes.Status401Unauthorized, response.StatusCode);
        Assert.Empty(_sink.Reports);
    }

    [Theory]
    [InlineData("<Notify><SLBH>GA1</SLBH><BLZT>09</BLZT><BLSJ>20261129101500</BLSJ></Notify>")]
    [InlineData("<Notify><SLBH>GA1</SLBH>")]
    public async Task ReceiveAsync_SignedButMalformed_BadRequestAndSinkNotCalled(string xml)
    {
        var response = await ReceiveAsync(Signed(xml));

        Assert.Equal(StatusCodes.Status400BadRequest, response.StatusCode);
        Assert.Empty(_sink.Reports);
    }

    [Fact]
    public async Task ReceiveAsync_BodyOver64KB_RefusedAndSinkNotCalled()
    {
        var xml = NotifyXml.Replace("准予办理", new string('准', 40_000), StringComparison.Ordinal);

        var response = await ReceiveAsync(Signed(xml));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, response.StatusCode);
        Assert.Empty(_sink.Reports);
    }

    [Fact]
    public async Task SendNotificationAsync_ThroughKestrel_HandoffKeyFromTheBureausCase()
    {
        await using var host = await StartHostAsync();
        await using var bureau = GaTestData.Bureau(notifyUrl: host.Url);
        await using var hub = HubServices(bureau.BaseUrl);
        var application = GaTestData.Application("GA-001");
        var delivered = await hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(application, CancellationToken.None);

        var reply = await bureau.SendNotificationAsync(delivered.CaseNumber!, "03", "请补充房屋租赁合同", new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.FromHours(8)));

        Assert.True(reply.Acknowledged, $"{reply.Status} {reply.Body}");
        var report = Assert.Single(_sink.Reports);
        Assert.Equal(application.HandoffKey, report.HandoffKey);
        Assert.Equal(ApplicationStatus.SupplementRequired, report.Status);
        Assert.Equal("请补充房屋租赁合同", report.Reason);
    }

    [Fact]
    public async Task SendNotificationAsync_ForgedThroughKestrel_UnauthorizedAndSinkNotCalled()
    {
        await using var host = await StartHostAsync();
        await using var bureau = GaTestData.Bureau(notifyUrl: host.Url);

        var reply = await bureau.SendNotificationAsync("GA3203022026112800001", "05", "准予办理", TimeProvider.System.GetUtcNow(), forgeSignature: true);

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.False(reply.Acknowledged);
        Assert.Empty(_sink.Reports);
    }

    [Fact]
    public async Task AutoDecide_AfterReceipt_AcceptedInReviewApprovedEvenAfterAMissedAck()
    {
        await using var host = await StartHostAsync();
        await using var bureau = GaTestData.Bureau(notifyUrl: host.Url);
        await using var hub = HubServices(bureau.BaseUrl);
        bureau.AutoDecide(TimeSpan.FromMilliseconds(20), retryUnit: TimeSpan.FromMilliseconds(50));

        // The hub's store fails once: the bureau gets a 500, no ack, and re-sends the same notification.
        _sink.FailNext = 1;
        var application = GaTestData.Application("GA-002");
        await hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(application, CancellationToken.None);

        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(15);
        while (_sink.Reports.Count < 3 && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal([ApplicationStatus.Accepted, ApplicationStatus.InReview, ApplicationStatus.Approved], _sink.Reports.Select(r => r.Status));
        Assert.All(_sink.Reports, r => Assert.Equal(application.HandoffKey, r.HandoffKey));
    }

    private async Task<Answer> ReceiveAsync(SignedRequest signed)
    {
        await using var services = HubServices(new Uri("http://127.0.0.1:9/"));
        using var scope = services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/xml; charset=GB18030";
        context.Request.Body = new MemoryStream(signed.Body);
        foreach (var (name, value) in signed.Headers)
        {
            context.Request.Headers[name] = value;
        }

        var responseBody = new MemoryStream();
        context.Response.Body = responseBody;

        var result = await scope.ServiceProvider.GetRequiredService<DepartmentInbound>()
            .ReceiveAsync(scope.ServiceProvider.GetRequiredService<PublicSecurityNotifications>(), context.Request, CancellationToken.None);
        await result.ExecuteAsync(context);

        return new Answer(context.Response.StatusCode, context.Response.ContentType,
            PublicSecurityTranslator.Gb18030.GetString(responseBody.ToArray()));
    }

    private ServiceProvider HubServices(Uri baseUrl) =>
        new ServiceCollection()
            .AddLogging()
            .AddProblemDetails()
            .AddSingleton<IDepartmentStatusSink>(_sink)
            .AddPublicSecurity(GaTestData.Configuration(baseUrl))
            .BuildServiceProvider(validateScopes: true);

    // Signed the way the document says, independently of the hub's signer.
    private static SignedRequest Signed(string xml, byte[]? key = null, string accessUnit = "GA320300", DateTimeOffset? signedAt = null)
    {
        var body = PublicSecurityTranslator.Gb18030.GetBytes(xml);
        var timestamp = (signedAt ?? TimeProvider.System.GetUtcNow()).ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var canonical = $"{accessUnit}\n{timestamp}\n{nonce}\n{Convert.ToHexString(SHA256.HashData(body)).ToLowerInvariant()}";
        var signature = Convert.ToHexString(HMACSHA256.HashData(key ?? GaTestData.Key, Encoding.ASCII.GetBytes(canonical))).ToLowerInvariant();
        return new SignedRequest(body, new Dictionary<string, string>
        {
            ["X-JRDW"] = accessUnit,
            ["X-SJC"] = timestamp,
            ["X-SJS"] = nonce,
            ["X-QM"] = signature,
        });
    }

    private sealed record SignedRequest(byte[] Body, Dictionary<string, string> Headers);

    private sealed record Answer(int StatusCode, string? ContentType, string Body);

    private Task<InboundHost> StartHostAsync() => InboundHost.StartAsync(Route, _sink,
        services => services.AddPublicSecurity(GaTestData.Configuration(new Uri("http://127.0.0.1:9/"))),
        (app, _) => app.MapGroup("/" + HubRoutes.Prefix).MapPublicSecurity());
}
