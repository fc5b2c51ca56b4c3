using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IntegrationHub.Contracts;
using IntegrationHub.Departments;
using IntegrationHub.Departments.Housing;
using IntegrationHub.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

using IntegrationHub.Tests.Fixtures;

namespace IntegrationHub.Tests.Departments.Housing;

public sealed class HousingWebhooksTests
{
    private const string Route = "/api/v1/departments/fg/webhooks";
    private const string Webhook =
        """{"event_id":"0b6f8e8c-52b4-4f0e-9a51-7d1e2f3a4b5c","ticket_no":"FG-20261128-000123","request_id":"req-1","status":"approved","reason":"准予配租","occurred_at":"2026-11-29T10:15:00+08:00"}""";

    private readonly RecordingStatusSink _sink = new();

    [Fact]
    public async Task ReceiveAsync_SignedByBureau_AppliedAndAcknowledged()
    {
        var response = await ReceiveAsync(Webhook, Sign(Webhook));

        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
        var report = Assert.Single(_sink.Reports);
        Assert.Equal("FG", report.Department);
        Assert.Equal(ApplicationStatus.Approved, report.Status);
        Assert.Equal("req-1", report.HandoffKey);
        Assert.Equal("FG-20261128-000123", report.CaseNumber);
        Assert.Equal("准予配租", report.Reason);
        Assert.Equal("0b6f8e8c-52b4-4f0e-9a51-7d1e2f3a4b5c", report.EventKey);
        Assert.Equal("approved", report.DepartmentCode);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.FromHours(8)), report.OccurredAt);
    }

    [Theory]
    [InlineData(nameof(ReportOutcome.Duplicate))]
    [InlineData(nameof(ReportOutcome.Stale))]
    [InlineData(nameof(ReportOutcome.UnknownApplication))]
    // The outcome by name: the enum is internal to the hub, and a public test method cannot take it.
    public async Task ReceiveAsync_NothingToChange_StillAcknowledged(string outcome)
    {
        _sink.Outcome = Enum.Parse<ReportOutcome>(outcome);

        var response = await ReceiveAsync(Webhook, Sign(Webhook));

        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
    }

    [Fact]
    public async Task ReceiveAsync_ForgedSignature_UnauthorizedAndSinkNotCalled()
    {
        var response = await ReceiveAsync(Webhook, Sign(Webhook, key: RandomNumberGenerator.GetBytes(32)));

        Assert.Equal(StatusCodes.Status401Unauthorized, response.StatusCode);
        Assert.Empty(_sink.Reports);
    }

    [Fact]
    public async Task ReceiveAsync_SignatureMissing_UnauthorizedAndSinkNotCalled()
    {
        var response = await ReceiveAsync(Webhook, signature: null);

        Assert.Equal(StatusCodes.Status401Unauthorized, response.StatusCode);
        Assert.Empty(_sink.Reports);
    }

    [Fact]
    public async Task ReceiveAsync_BodyChangedAfterSigning_UnauthorizedAndSinkNotCalled()
    {
        var signature = Sign(Webhook);

        var response = await ReceiveAsync(Webhook.Replace("approved", "denied", StringComparison.Ordinal), signature);

        Assert.Equal(StatusCodes.Status401Unauthorized, response.StatusCode);
        Assert.Empty(_sink.Reports);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha1=")]
    [InlineData("sha256:")]
    [InlineData("SHA256=")]
    public async Task ReceiveAsync_SignatureNotInTheDocumentedForm_UnauthorizedAndSinkNotCalled(string prefix)
    {
        var hex = Sign(Webhook)["sha256=".Length..];

        var response = await ReceiveAsync(Webhook, prefix + hex);

        Assert.Equal(StatusCodes.Status401Unauthorized, response.StatusCode);
        Assert.Empty(_sink.Reports);
    }

    [Fact]
    public async Task ReceiveAsync_SignedWithTheSecretsUtf8Bytes_Accepted()
    {
        // The test secret has Chinese characters: the key is their UTF-8 bytes, not GB18030 or UTF-16.
        var response = await ReceiveAsync(Webhook, Sign(Webhook, key: Encoding.UTF8.GetBytes(FgTestData.WebhookSecret)));

        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"ticket_no":"FG-1","status":"approved","occurred_at":"2026-11-29T10:15:00+08:00"}""", "event_id")]
    [InlineData("""{"event_id":"e1","ticket_no":"FG-1","status":"closed","occurred_at":"2026-11-29T10:15:00+08:00"}""", "status")]
    [InlineData("""{"event_id":"e1","ticket_no":"FG-1","status":"approved","occurred_at":"yesterday"}""", "occurred_at")]
    [InlineData("""{"event_id":"e1","status":"approved","occurred_at":"2026-11-29T10:15:00+08:00"}""", "ticket_no")]
    [InlineData("""not json""", "body")]
    public async Task ReceiveAsync_SignedButMalformed_BadRequestNamingTheFieldAndSinkNotCalled(string body, string field)
    {
        var response = await ReceiveAsync(body, Sign(body));

        Assert.Equal(StatusCodes.Status400BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(response.Body)!;
        Assert.NotNull(problem["errors"]![field]);
        Assert.Empty(_sink.Reports);
    }

    [Fact]
    public async Task ReceiveAsync_BodyOver64KB_RefusedAndSinkNotCalled()
    {
        var body = Webhook.Replace("准予配租", new string('准', 30_000), StringComparison.Ordinal);

        var response = await ReceiveAsync(body, Sign(body));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, response.StatusCode);
        Assert.Empty(_sink.Reports);
    }

    [Fact]
    public async Task ReceiveAsync_StoreFails_ErrorEscapesSoTheBureauRetries()
    {
        _sink.FailNext = 1;

        await Assert.ThrowsAsync<InvalidOperationException>(() => ReceiveAsync(Webhook, Sign(Webhook)));
    }

    [Fact]
    public async Task SendWebhookAsync_ThroughKestrel_HandoffKeyIsTheRequestId()
    {
        await using var host = await StartHostAsync();
        await using var bureau = FgTestData.Bureau(webhookUrl: host.Url);
        await using var hub = FgTestData.Hub(bureau.BaseUrl, sink: _sink);
        var application = FgTestData.Application("FG-001", submittedAt: TimeProvider.System.GetUtcNow());
        var delivered = await hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(application, CancellationToken.None);

        var status = await bureau.SendWebhookAsync(delivered.CaseNumber!, "supplement_required", "请补充家庭成员户口簿",
            new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.FromHours(8)));

        Assert.Equal(HttpStatusCode.OK, status);
        var report = Assert.Single(_sink.Reports);
        Assert.Equal(application.HandoffKey, report.HandoffKey);
        Assert.Equal(delivered.CaseNumber, report.CaseNumber);
        Assert.Equal(ApplicationStatus.SupplementRequired, report.Status);
        Assert.Equal("请补充家庭成员户口簿", report.Reason);
    }

    [Fact]
    public async Task SendWebhookAsync_SameEventTwice_BothAcknowledgedSameEventKey()
    {
        await using var host = await StartHostAsync();
        await using var bureau = FgTestData.Bureau(webhookUrl: host.Url);
        var at = new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.FromHours(8));

        var first = await bureau.SendWebhookAsync("FG-20261128-000001", "accepted", null, at, eventId: "evt-1");
        var second = await bureau.SendWebhookAsync("FG-20261128-000001", "accepted", null, at, eventId: "evt-1");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], [first, second]);
        Assert.Equal(["evt-1", "evt-1"], _sink.Reports.Select(r => r.EventKey));
        Assert.All(_sink.Reports, r => Assert.Null(r.Reason));
    }

    [Fact]
    public async Task SendWebhookAsync_ForgedThroughKestrel_UnauthorizedAndSinkNotCalled()
    {
        await using var host = await StartHostAsync();
        await using var bureau = FgTestData.Bureau(webhookUrl: host.Url);

        var status = await bureau.SendWebhookAsync("FG-20261128-000001", "approved", null, TimeProvider.System.GetUtcNow(), forgeSignature: true);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(_sink.Reports);
    }

    [Fact]
    public async Task AutoDecide_AfterReceipt_AcceptedThenApprovedEachDeliveredTwiceEvenAfterAFailure()
    {
        await using var host = await StartHostAsync();
        await using var bureau = FgTestData.Bureau(webhookUrl: host.Url);
        await using var hub = FgTestData.Hub(bureau.BaseUrl, sink: _sink);
        bureau.AutoDecide(TimeSpan.FromMilliseconds(20), retryUnit: TimeSpan.FromMilliseconds(50));

        // The hub's store fails once: the bureau gets a 500 and re-sends the same event.
        _sink.FailNext = 1;
        var application = FgTestData.Application("FG-002", submittedAt: TimeProvider.System.GetUtcNow());
        var delivered = await hub.GetRequiredService<IDepartmentAdapter>().HandOffAsync(application, CancellationToken.None);

        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(15);
        while (_sink.Reports.Count < 4 && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal([ApplicationStatus.Accepted, ApplicationStatus.Accepted, ApplicationStatus.Approved, ApplicationStatus.Approved],
            _sink.Reports.Select(r => r.Status));
        Assert.All(_sink.Reports, r => Assert.Equal(application.HandoffKey, r.HandoffKey));
        Assert.All(_sink.Reports, r => Assert.Equal(delivered.CaseNumber, r.CaseNumber));
        Assert.Equal(2, _sink.Reports.Select(r => r.EventKey).Distinct().Count());
        Assert.True(_sink.Reports[2].OccurredAt >= _sink.Reports[0].OccurredAt);

        // Reconciliation agrees with the webhooks.
        var reconciled = await hub.GetRequiredService<IDepartmentStatusQuery>().QueryAsync(application.HandoffKey, delivered.CaseNumber!, CancellationToken.None);
        Assert.Equal(ApplicationStatus.Approved, reconciled.Report!.Status);
    }

    private async Task<Answer> ReceiveAsync(string body, string? signature)
    {
        await using var services = FgTestData.Hub(new Uri("http://127.0.0.1:9/"), sink: _sink);
        using var scope = services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        if (signature is not null)
        {
            context.Request.Headers["X-FG-Signature"] = signature;
        }

        var responseBody = new MemoryStream();
        context.Response.Body = responseBody;

        var result = await scope.ServiceProvider.GetRequiredService<DepartmentInbound>()
            .ReceiveAsync(scope.ServiceProvider.GetRequiredService<HousingWebhooks>(), context.Request, CancellationToken.None);
        await result.ExecuteAsync(context);

        return new Answer(context.Response.StatusCode, Encoding.UTF8.GetString(responseBody.ToArray()));
    }

    // Signed the way the document says, independently of the hub's verifier.
    private static string Sign(string body, byte[]? key = null) =>
        "sha256=" + Convert.ToHexString(HMACSHA256.HashData(key ?? Encoding.UTF8.GetBytes(FgTestData.WebhookSecret), Encoding.UTF8.GetBytes(body))).ToLowerInvariant();

    private sealed record Answer(int StatusCode, string Body);

    private Task<InboundHost> StartHostAsync() => InboundHost.StartAsync(Route, _sink,
        services => services.AddHousing(FgTestData.Configuration(new Uri("http://127.0.0.1:9/"))),
        (app, _) => app.MapGroup("/" + HubRoutes.Prefix).MapHousing());
}
