using System.Security.Cryptography;
using System.Text.Json.Nodes;
using IntegrationHub.Departments;
using Microsoft.Extensions.DependencyInjection;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace IntegrationHub.Tests.Departments.SocialSecurity;

/// <summary>
/// The v3.1 trades over HTTP against a stub gateway that answers as the document says: RS9101 (the same file and code,
/// the same CLID), RS9102 and RS9103, in the envelope with the body as a string.
/// </summary>
public sealed class SocialSecurityCaseRequestsTests : IDisposable
{
    private readonly WireMockServer _gateway = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });
    private readonly ServiceProvider _hub;

    public SocialSecurityCaseRequestsTests()
    {
        // 10:00 in Xuzhou, far from the maintenance window, with real timers for retries.
        _hub = RsTestData.Hub(new Uri(_gateway.Urls[0]), new ShiftedClock(RsTestData.China(10, 0)));
    }

    public void Dispose()
    {
        _hub.Dispose();
        _gateway.Dispose();
    }

    [Fact]
    public async Task UploadAsync_SameFileTwice_SameClid()
    {
        Given(request =>
        {
            var body = Body(request);
            var clid = "C" + Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{body["CLBM"]}|{body["WJHX"]}")))[..20];
            return ("0000", $$"""{"CLID":"{{clid}}"}""");
        });
        var file = File("educationCertificate", [0x25, 0x50, 0x44, 0x46, 0x2D]);

        var first = await Requests().UploadAsync("RS-008", file, CancellationToken.None);
        var second = await Requests().UploadAsync("RS-008", file, CancellationToken.None);

        Assert.Equal(HandoffOutcomeKind.Received, first.Kind);
        Assert.Equal(first.DepartmentFileId, second.DepartmentFileId);
        Assert.All(_gateway.LogEntries, e =>
        {
            Assert.Equal("RS9101", (string?)Envelope(e.RequestMessage)["head"]!["trade_code"]);
            Assert.Equal("XLZM", (string?)Body(e.RequestMessage)["CLBM"]);
        });
    }

    [Fact]
    public async Task UploadAsync_HashOrTypeRefused1005_Invalid()
    {
        Given(_ => ("1005", "{}"), message: "文件类型不符");

        var outcome = await Requests().UploadAsync("RS-008", File("educationCertificate", [1, 2]), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Invalid, "1005", "文件类型不符"), (outcome.Kind, outcome.DepartmentCode, outcome.DepartmentMessage));
        Assert.Single(_gateway.LogEntries);
    }

    [Fact]
    public async Task UploadAsync_503WithRetryAfter_HeldAndNotRetried()
    {
        _gateway.Given(Request.Create().WithPath("/si/gateway").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "90"));

        var outcome = await Requests().UploadAsync("RS-008", File("educationCertificate", [1, 2]), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Held, TimeSpan.FromSeconds(90)), (outcome.Kind, outcome.RetryAfter));
        Assert.Single(_gateway.LogEntries);
    }

    [Fact]
    public async Task SupplementAsync_NotWaiting8003_Conflict()
    {
        Given(_ => ("8003", "{}"), message: "案件不在补正状态");

        var outcome = await Requests().SupplementAsync(
            new("app-1", "RS-008", "SUP1", "RS3203002026112800017", "已补充", [new("educationCertificate", "C1")], null), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Conflict, "8003"), (outcome.Kind, outcome.DepartmentCode));
        Assert.Equal("RS9102", (string?)Envelope(Assert.Single(_gateway.LogEntries).RequestMessage)["head"]!["trade_code"]);
    }

    [Fact]
    public async Task WithdrawAsync_AlreadyDecided8004_Conflict()
    {
        Given(_ => ("8004", "{}"), message: "案件已办结");

        var outcome = await Requests().WithdrawAsync(new("app-1", "RS-008", "WD1", "RS3203002026112800017", "不再需要", null), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Conflict, "8004"), (outcome.Kind, outcome.DepartmentCode));
    }

    [Fact]
    public async Task WithdrawAsync_Taken_Received()
    {
        Given(_ => ("0000", "{}"));

        var outcome = await Requests().WithdrawAsync(new("app-1", "RS-008", "WD1", "RS3203002026112800017", "不再需要", null), CancellationToken.None);

        Assert.Equal((HandoffOutcomeKind.Received, "0000"), (outcome.Kind, outcome.DepartmentCode));
        Assert.Equal("""{"AAZ002":"RS3203002026112800017","CHYY":"不再需要"}""", (string?)Envelope(Assert.Single(_gateway.LogEntries).RequestMessage)["body"]);
    }

    [Fact]
    public void AddSocialSecurity_CaseRequests_ResolvedPerDepartment()
    {
        Assert.Equal("RS", Assert.Single(_hub.GetServices<IDepartmentCaseRequests>()).Department);
        Assert.Equal("RS", _hub.GetRequiredKeyedService<IDepartmentCaseRequests>("RS").Department);
    }

    internal static MaterialFile File(string code, byte[] content, string mediaType = "application/pdf") =>
        new(code, mediaType, content, Convert.ToHexStringLower(SHA256.HashData(content)));

    private static JsonObject Envelope(IRequestMessage request) => JsonNode.Parse(request.Body!)!.AsObject();

    private static JsonObject Body(IRequestMessage request) => JsonNode.Parse((string)Envelope(request)["body"]!)!.AsObject();

    private void Given(Func<IRequestMessage, (string Code, string Body)> answer, string message = "成功") =>
        _gateway.Given(Request.Create().WithPath("/si/gateway").UsingPost()).RespondWith(Response.Create().WithCallback(request =>
        {
            var (code, body) = answer(request);
            return new ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json; charset=utf-8") },
                BodyData = new WireMock.Util.BodyData
                {
                    BodyAsString = new JsonObject
                    {
                        ["head"] = new JsonObject { ["ret_code"] = code, ["ret_msg"] = message, ["trans_id"] = (string?)Envelope(request)["head"]!["trans_id"] },
                        ["body"] = body,
                    }.ToJsonString(),
                    DetectedBodyType = WireMock.Types.BodyType.String,
                    Encoding = System.Text.Encoding.UTF8,
                },
            };
        }));

    private IDepartmentCaseRequests Requests() => _hub.GetRequiredService<IDepartmentCaseRequests>();
}
